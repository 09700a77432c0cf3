/**
 * Talos Image Factory (factory.talos.dev): the schematic that adds the NVIDIA system
 * extensions, its ID, and the URLs of what the factory builds from it.
 *
 * The ID is computed here as the factory computes it: sha256 of the schematic marshalled
 * by Go's yaml.v3 (4-space indent, struct field order, empty fields omitted,
 * `customization` always present). The test checks this against the factory's own test
 * vectors, so a schematic ID set in a GpuProvider can be checked without a network call.
 */
import { createHash } from 'node:crypto';

export const FACTORY_HOST = 'factory.talos.dev';

/** The open kernel modules and the container toolkit, as Talos's NVIDIA guide installs them. */
export const NVIDIA_EXTENSIONS = [
  'siderolabs/nonfree-kmod-nvidia-production',
  'siderolabs/nvidia-container-toolkit-production',
] as const;

export interface Schematic {
  customization: {
    extraKernelArgs?: string[];
    systemExtensions?: { officialExtensions?: string[] };
  };
}

export function nvidiaSchematic(extraExtensions: readonly string[] = []): Schematic {
  return { customization: { systemExtensions: { officialExtensions: [...NVIDIA_EXTENSIONS, ...extraExtensions] } } };
}

// yaml.v3 writes these unquoted; anything else (quotes, '#', ': ', words YAML reads as
// bool/number/null) would need its quoting rules, which are not reproduced here.
const PLAIN = /^[A-Za-z0-9_./=,+-][A-Za-z0-9_./=,:+-]*$/;
const NOT_PLAIN = /^(?:y|yes|n|no|true|false|on|off|null|~|[-+]?(?:\.?[0-9][0-9_.eE+-]*|\.inf|\.nan)|0x[0-9a-fA-F]+|0o[0-7]+)$/i;

function plain(s: string): string {
  if (!PLAIN.test(s) || NOT_PLAIN.test(s) || s.endsWith(':')) {
    throw new Error(`schematic entry ${JSON.stringify(s)} needs YAML quoting; set spec.talos.schematicId instead`);
  }
  return s;
}

function list(items: string[], indent: string): string {
  return items.map((i) => `${indent}- ${plain(i)}\n`).join('');
}

/** The canonical text Image Factory hashes. */
export function canonicalSchematicYaml(s: Schematic): string {
  const c = s.customization;
  let body = '';
  if (c.extraKernelArgs?.length) body += `    extraKernelArgs:\n${list(c.extraKernelArgs, '        ')}`;
  const ext = c.systemExtensions?.officialExtensions;
  if (ext?.length) body += `    systemExtensions:\n        officialExtensions:\n${list(ext, '            ')}`;
  return body ? `customization:\n${body}` : 'customization: {}\n';
}

export function schematicId(s: Schematic): string {
  return createHash('sha256').update(canonicalSchematicYaml(s)).digest('hex');
}

export type Arch = 'amd64' | 'arm64';

export interface FactoryImage {
  schematicId: string;
  /** Talos version, e.g. v1.13.9. */
  version: string;
  arch?: Arch;
}

function checked(img: FactoryImage): Required<FactoryImage> {
  if (!/^[0-9a-f]{64}$/.test(img.schematicId)) throw new Error('schematic ID must be 64 lowercase hex characters');
  if (!/^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/.test(img.version)) throw new Error(`Talos version ${img.version} must look like v1.13.9`);
  return { arch: 'amd64', ...img };
}

export function kernelUrl(img: FactoryImage): string {
  const { schematicId: id, version, arch } = checked(img);
  return `https://${FACTORY_HOST}/image/${id}/${version}/kernel-${arch}`;
}

export function initramfsUrl(img: FactoryImage): string {
  const { schematicId: id, version, arch } = checked(img);
  return `https://${FACTORY_HOST}/image/${id}/${version}/initramfs-${arch}.xz`;
}

/** The installer image a booted machine installs to disk from. */
export function installerImage(img: FactoryImage): string {
  const { schematicId: id, version } = checked(img);
  return `${FACTORY_HOST}/installer/${id}:${version}`;
}

/** The AWS disk image to import as an AMI (Sidero publishes AMIs only for the plain schematic). */
export function awsDiskImageUrl(img: FactoryImage): string {
  const { schematicId: id, version, arch } = checked(img);
  return `https://${FACTORY_HOST}/image/${id}/${version}/aws-${arch}.raw.xz`;
}

/**
 * The name an imported AMI is given, so the operator (and the admin) can find it with
 * DescribeImages `Name` filters: `talos-<version>-<first 12 of schematic>-<arch>`.
 */
export function amiName(img: FactoryImage): string {
  const { schematicId: id, version, arch } = checked(img);
  return `talos-${version}-${id.slice(0, 12)}-${arch}`;
}
