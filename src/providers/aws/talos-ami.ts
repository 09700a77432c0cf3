/**
 * Finding the stock Talos AMI of a region, for regions that spec.aws.amis leaves out.
 *
 * Sidero Labs publishes a Talos AMI per release and region from one AWS account, named
 * `talos-<version>-<region or zone id>-<arch>`. Those images carry no NVIDIA extensions;
 * the GPU driver then has to come from the installer image the machine config names
 * (machine.install.image = the Image Factory installer of the NVIDIA schematic). An
 * Image Factory AMI in spec.aws.amis is the better path and is always preferred.
 */
import type { DescribeImagesCommandInput, Image } from '@aws-sdk/client-ec2';
import type { CpuArch } from '../types.js';

/** The AWS account Sidero Labs publishes the official Talos AMIs from. */
export const SIDERO_LABS_AWS_ACCOUNT = '540036508848';

/** The Talos release booted when spec.talos.version is unset. */
export const DEFAULT_TALOS_VERSION = 'v1.13.9';

/** `1.13.9` and `v1.13.9` both name release v1.13.9, as Talos tags its releases. */
export function talosVersion(version: string | undefined): string {
  const v = (version ?? '').trim();
  if (v === '') return DEFAULT_TALOS_VERSION;
  return v.startsWith('v') ? v : `v${v}`;
}

/** DescribeImages input for the available Talos AMIs of one release and architecture. */
export function talosImagesInput(version: string, arch: CpuArch = 'amd64'): DescribeImagesCommandInput {
  return {
    Owners: [SIDERO_LABS_AWS_ACCOUNT],
    Filters: [
      // The trailing "-" keeps v1.13.9 from also matching v1.13.90.
      { Name: 'name', Values: [`talos-${version}-*`] },
      { Name: 'architecture', Values: [arch === 'arm64' ? 'arm64' : 'x86_64'] },
      { Name: 'state', Values: ['available'] },
    ],
  };
}

/** The most recently created image with an id; re-published AMIs replace older ones. */
export function newestImage(images: readonly Image[]): (Image & { ImageId: string }) | undefined {
  let best: (Image & { ImageId: string }) | undefined;
  let bestAt = -Infinity;
  for (const image of images) {
    if (!image.ImageId) continue;
    const at = Date.parse(image.CreationDate ?? '');
    const when = Number.isNaN(at) ? -Infinity : at;
    if (!best || when > bestAt) {
      best = image as Image & { ImageId: string };
      bestAt = when;
    }
  }
  return best;
}
