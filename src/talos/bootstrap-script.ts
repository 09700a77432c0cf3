/**
 * The boot script for providers that cannot boot a custom image (Lambda's cloud-init
 * user_data, Paperspace's run-once startup script): fetch the Image Factory kernel and
 * initramfs, check them, and kexec into Talos with the machine config on the command line.
 *
 * The config travels inline (`talos.config.inline`, zstd then base64, as Talos reads it)
 * when the whole command line fits the x86 limit, else as a one-time `talos.config` URL
 * served by the operator. Node 20 has no zstd compressor and none is among the
 * dependencies, so the inline form is a zstd frame of stored (raw) blocks: valid for any
 * zstd reader, but not smaller. A full worker config with its certificates does not fit
 * that way, so in practice the URL is used; small configs still go inline.
 */

/** x86 COMMAND_LINE_SIZE, including the terminating NUL. */
export const KERNEL_COMMAND_LINE_MAX = 2048;

/** The arguments Image Factory's metal images boot with. */
export const METAL_KERNEL_ARGS: readonly string[] = [
  'talos.platform=metal',
  'console=tty0',
  'console=ttyS0',
  'init_on_alloc=1',
  'slab_nomerge',
  'pti=on',
  'consoleblank=0',
  'nvme_core.io_timeout=4294967295',
  'printk.devkmsg=on',
];

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_MAX_BLOCK = 128 * 1024;

/**
 * A zstd frame holding `data` in raw blocks (RFC 8878 §3.1): single-segment, 4-byte
 * content size, no checksum. Decodes with any zstd implementation.
 */
export function zstdStored(data: Uint8Array): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt32LE(ZSTD_MAGIC, 0);
  // Frame_Content_Size_flag=2 (4 bytes), Single_Segment_flag=1: no window descriptor.
  header.writeUInt8(0b1010_0000, 4);
  header.writeUInt32LE(data.length, 5);
  const parts: Buffer[] = [header];
  let offset = 0;
  do {
    const size = Math.min(ZSTD_MAX_BLOCK, data.length - offset);
    const last = offset + size >= data.length ? 1 : 0;
    const blockHeader = Buffer.alloc(3);
    // Block_Type 0 (raw) in bits 1-2; size in bits 3-23.
    blockHeader.writeUIntLE((size << 3) | last, 0, 3);
    parts.push(blockHeader, Buffer.from(data.subarray(offset, offset + size)));
    offset += size;
  } while (offset < data.length);
  return Buffer.concat(parts);
}

/** `talos.config.inline=<value>` for this config. */
export function inlineConfigArg(config: string): string {
  return `talos.config.inline=${zstdStored(Buffer.from(config, 'utf8')).toString('base64')}`;
}

export interface KexecScriptInput {
  kernelUrl: string;
  initramfsUrl: string;
  /** Expected sha256 (hex) of each download; a mismatch stops before kexec. */
  kernelSha256: string;
  initramfsSha256: string;
  /** The rendered machine config. */
  config: string;
  /**
   * Issues a one-time URL for the config; called only when the config does not fit on
   * the command line, so no token is made for machines that do not need one.
   */
  configUrl?: () => string;
  extraKernelArgs?: readonly string[];
}

export interface KexecScript {
  script: string;
  /** How the config reaches Talos. */
  configSource: 'inline' | 'url';
}

/** Thrown when the config fits no way: too big to inline and no config endpoint. */
export class ConfigTooLargeError extends Error {
  constructor(readonly commandLineBytes: number) {
    super(
      `machine config needs a ${commandLineBytes}-byte kernel command line (limit ${KERNEL_COMMAND_LINE_MAX}); ` +
        'configure the operator config endpoint (configBaseUrl) so machines can fetch it',
    );
    this.name = 'ConfigTooLargeError';
  }
}

/** A single-quoted shell word. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function checkSha(name: string, v: string): string {
  if (!/^[0-9a-f]{64}$/.test(v)) throw new Error(`${name} must be a sha256 in lowercase hex`);
  return v;
}

/** The kernel command line for this config, inline when it fits, else by URL. */
export function kexecCommandLine(input: Pick<KexecScriptInput, 'config' | 'configUrl' | 'extraKernelArgs'>): {
  commandLine: string;
  configSource: 'inline' | 'url';
} {
  const base = [...METAL_KERNEL_ARGS, ...(input.extraKernelArgs ?? [])];
  const inline = [...base, inlineConfigArg(input.config)].join(' ');
  if (Buffer.byteLength(inline) + 1 <= KERNEL_COMMAND_LINE_MAX) return { commandLine: inline, configSource: 'inline' };
  if (!input.configUrl) throw new ConfigTooLargeError(Buffer.byteLength(inline) + 1);
  const byUrl = [...base, `talos.config=${input.configUrl()}`].join(' ');
  if (Buffer.byteLength(byUrl) + 1 > KERNEL_COMMAND_LINE_MAX) throw new ConfigTooLargeError(Buffer.byteLength(byUrl) + 1);
  return { commandLine: byUrl, configSource: 'url' };
}

export function buildKexecScript(input: KexecScriptInput): KexecScript {
  const { commandLine, configSource } = kexecCommandLine(input);
  const script = `#!/bin/bash
# Boots this machine into Talos Linux: fetches the Image Factory kernel and initramfs,
# checks them, and replaces the running kernel with kexec. Runs once, as root.
set -euo pipefail

KERNEL_URL=${sq(input.kernelUrl)}
INITRAMFS_URL=${sq(input.initramfsUrl)}
KERNEL_SHA256=${sq(checkSha('kernelSha256', input.kernelSha256))}
INITRAMFS_SHA256=${sq(checkSha('initramfsSha256', input.initramfsSha256))}
# Carries the machine config (or a one-time link to it): never echo it.
CMDLINE=${sq(commandLine)}
WORKDIR="\${TALOS_BOOT_DIR:-/var/lib/talos-boot}"

fetch() {
  curl -fsSL --retry 5 --retry-delay 3 --retry-connrefused -o "$1" "$2"
}

verify() {
  local file="$1" want="$2" got _
  read -r got _ < <(sha256sum "$file")
  if [ "$got" != "$want" ]; then
    echo "talos-boot: sha256 of $file is $got, expected $want; not booting it" >&2
    exit 1
  fi
}

mkdir -p "$WORKDIR"
cd "$WORKDIR"
fetch kernel "$KERNEL_URL"
fetch initramfs.xz "$INITRAMFS_URL"
verify kernel "$KERNEL_SHA256"
verify initramfs.xz "$INITRAMFS_SHA256"

if ! command -v kexec >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q kexec-tools
fi

kexec -l kernel --initrd=initramfs.xz --command-line="$CMDLINE"
kexec -e
`;
  return { script, configSource };
}
