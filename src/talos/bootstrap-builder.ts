/**
 * The Talos boot payload of every launch: read the worker template Secret, render this
 * node's machine config, check it against the Talos schema, and wrap it for the boot
 * method asked for (user-data or kexec, amd64 or arm64). Any problem throws a
 * TalosError before a machine is bought, with a message that names the Secret and the
 * field and never any of the template's values. Nothing here knows which cloud boots
 * which way: the provider definitions say (src/providers/bootstrap.ts).
 */
import { Kinds, type ClusterPort, type Secret } from '../kube/types.js';
import type { GpuProvider } from '../api/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { buildKexecScript, ConfigTooLargeError } from './bootstrap-script.js';
import type { ConfigStore } from './config-endpoint.js';
import { TalosError } from './errors.js';
import { initramfsUrl, installerImage, kernelUrl, nvidiaSchematic, schematicId } from './image-factory.js';
import { MachineConfigValidator, renderWorkerConfig, TemplateError } from './render.js';
import type { NodeTaint, TalosArch, TalosBoot, TalosBootBuilder, TalosBootInput } from './types.js';

export const DEFAULT_TEMPLATE_KEY = 'worker.yaml';
export const DEFAULT_TALOS_VERSION = 'v1.13.9';

export interface ArtifactChecksums {
  /** sha256 hex of kernel-<arch> */
  kernel: string;
  /** sha256 hex of initramfs-<arch>.xz */
  initramfs: string;
}

export interface TalosDefaults {
  /** Namespace of Secrets a GpuProvider (cluster-scoped) names without one: the operator's. */
  secretNamespace: string;
  /** Talos version when the GpuProvider does not set spec.talos.version. */
  version?: string;
  /** Schematic when the GpuProvider does not set spec.talos.schematicId; default: the NVIDIA one. */
  schematicId?: string;
  /**
   * sha256 of the Image Factory kernel and initramfs, by `<schematicId>/<version>` for
   * amd64 and `<schematicId>/<version>/arm64` for arm64 (GH200 hosts). The kexec script
   * refuses to boot what it cannot check, so kexec machines need an entry for their arch.
   */
  checksums?: Record<string, ArtifactChecksums>;
  /** How long a one-time config URL stays valid; machines fetch it within minutes of boot. */
  configTtlMs?: number;
}

/** The key of `TalosDefaults.checksums` for one schematic, version and architecture. */
export function checksumKey(schematic: string, version: string, arch: TalosArch): string {
  return arch === 'amd64' ? `${schematic}/${version}` : `${schematic}/${version}/${arch}`;
}

export interface TalosBootstrapDeps {
  cluster: ClusterPort;
  clock: Clock;
  logger: Logger;
  /** Serves configs too big for the kernel command line; without it they cannot go to kexec machines. */
  configStore?: ConfigStore;
  defaults: TalosDefaults;
  /** Shared compiled schema; built once per builder when absent. */
  validator?: MachineConfigValidator;
}

interface TemplateRef {
  namespace: string;
  name: string;
  key: string;
  /** Which object named it, for messages. */
  from: string;
}

function templateRef(input: TalosBootInput, provider: GpuProvider | undefined, defaults: TalosDefaults): TemplateRef | undefined {
  const own = input.talos?.configSecretRef;
  if (own) {
    return {
      namespace: own.namespace ?? input.namespace,
      name: own.name,
      key: own.key ?? DEFAULT_TEMPLATE_KEY,
      from: `the request's spec.talos.configSecretRef (namespace ${input.namespace})`,
    };
  }
  const shared = provider?.spec.talos?.configSecretRef;
  if (shared && provider) {
    return {
      namespace: shared.namespace ?? defaults.secretNamespace,
      name: shared.name,
      key: shared.key ?? DEFAULT_TEMPLATE_KEY,
      from: `GpuProvider ${provider.metadata.name} spec.talos.configSecretRef`,
    };
  }
  return undefined;
}

async function readTemplate(cluster: ClusterPort, ref: TemplateRef): Promise<string> {
  const where = `Secret ${ref.namespace}/${ref.name}`;
  const secret = await cluster.get<Secret>(Kinds.Secret, ref.name, ref.namespace);
  if (!secret) {
    throw new TalosError(
      `${where} (named by ${ref.from}) not found; create it with key ${ref.key} holding the worker.yaml of talosctl gen config`,
    );
  }
  const text = secret.stringData?.[ref.key] ?? (secret.data?.[ref.key] !== undefined ? Buffer.from(secret.data[ref.key]!, 'base64').toString('utf8') : undefined);
  if (text === undefined || text.trim() === '') {
    throw new TalosError(`${where} has no key ${ref.key}; put the worker.yaml of talosctl gen config there`);
  }
  return text;
}

function taintsOf(input: TalosBootInput): NodeTaint[] {
  return (input.talos?.nodeTaints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect }));
}

export function createTalosBootstrap(deps: TalosBootstrapDeps): TalosBootBuilder {
  const { cluster, defaults } = deps;
  let validator = deps.validator;
  const ttlMs = defaults.configTtlMs ?? 30 * 60_000;

  return async (input): Promise<TalosBoot> => {
    const { hostname, providerName, arch } = input;
    const nodeLabels = { ...(input.talos?.nodeLabels ?? {}), ...input.nodeLabels };
    const nodeTaints = taintsOf(input);
    const bare: TalosBoot = { hostname, nodeLabels, nodeTaints };
    const provider = await cluster.get<GpuProvider>(Kinds.GpuProvider, providerName);
    const ref = templateRef(input, provider, defaults);
    if (!ref) {
      // A machine that registers without booting the config needs only its labels.
      if (input.templateOptional) return bare;
      throw new TalosError(
        `no Talos worker template: create a Secret with key ${DEFAULT_TEMPLATE_KEY} holding the worker.yaml of ` +
          `talosctl gen config, and name it in GpuProvider ${providerName} spec.talos.configSecretRef ` +
          `(or the request's spec.talos.configSecretRef)`,
      );
    }

    const template = await readTemplate(cluster, ref);
    const where = `Talos template in Secret ${ref.namespace}/${ref.name} key ${ref.key}`;
    const version = provider?.spec.talos?.version ?? defaults.version ?? DEFAULT_TALOS_VERSION;
    const schematic = provider?.spec.talos?.schematicId ?? defaults.schematicId ?? schematicId(nvidiaSchematic());
    const image = { schematicId: schematic, version, arch };
    let config: string;
    try {
      // The disk install uses the factory installer (multi-arch), so the NVIDIA extensions survive it.
      config = renderWorkerConfig(template, { hostname, nodeLabels, nodeTaints, installImage: installerImage(image) });
    } catch (e) {
      if (e instanceof TemplateError) throw new TalosError(`${where}: ${e.message}`, { cause: e });
      throw e;
    }
    validator ??= new MachineConfigValidator();
    const problems = validator.validate(config);
    if (problems.length > 0) {
      const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
      throw new TalosError(`${where} renders an invalid machine config: ${problems.slice(0, 3).join('; ')}${more}`);
    }

    if (input.boot === 'user-data') return { ...bare, userData: config };

    const sums = defaults.checksums?.[checksumKey(schematic, version, arch)];
    if (!sums) {
      throw new TalosError(
        `no sha256 known for the Talos ${version} ${arch} kernel and initramfs of schematic ${schematic}; ` +
          `add them to the operator settings (TALOS_CHECKSUMS key ${checksumKey(schematic, version, arch)}) so machines can check what they boot`,
      );
    }
    const store = deps.configStore;
    try {
      const { script, configSource } = buildKexecScript({
        kernelUrl: kernelUrl(image),
        initramfsUrl: initramfsUrl(image),
        kernelSha256: sums.kernel,
        initramfsSha256: sums.initramfs,
        config,
        configUrl: store ? () => store.issue(hostname, config, ttlMs).url : undefined,
      });
      deps.logger.debug('talos kexec bootstrap built', { hostname, provider: providerName, arch, configSource });
      return { ...bare, userData: script };
    } catch (e) {
      if (e instanceof ConfigTooLargeError) throw new TalosError(`${where}: ${e.message}`, { cause: e });
      throw e;
    }
  };
}
