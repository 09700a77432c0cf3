/**
 * The Talos builder on its own: boot methods and architectures, no clouds. Which cloud
 * boots which way is tested through the seam in test/providers/bootstrap.test.ts.
 */
import { readFileSync } from 'node:fs';
import type { GpuProvider } from '../../src/api/types.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type Secret } from '../../src/kube/types.js';
import { checksumKey, createTalosBootstrap } from '../../src/talos/bootstrap-builder.js';
import { ConfigStore } from '../../src/talos/config-endpoint.js';
import { TalosError } from '../../src/talos/errors.js';
import { nvidiaSchematic, schematicId } from '../../src/talos/image-factory.js';
import { MachineConfigValidator } from '../../src/talos/render.js';
import type { TalosBootInput } from '../../src/talos/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

const template = readFileSync(new URL('./fixtures/worker.yaml', import.meta.url), 'utf8');
const NVIDIA = schematicId(nvidiaSchematic());
const validator = new MachineConfigValidator();

async function world(withTemplate = true) {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  const spec = withTemplate ? { type: 'sim', talos: { configSecretRef: { name: 'talos-worker' } } } : { type: 'sim' };
  await cluster.create(Kinds.GpuProvider, { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuProvider', metadata: { name: 'main' }, spec } as GpuProvider);
  const secret: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'talos-worker', namespace: 'gpu-provisioner' },
    data: { 'worker.yaml': Buffer.from(template).toString('base64') },
  };
  await cluster.create(Kinds.Secret, secret);
  const build = createTalosBootstrap({
    cluster,
    clock,
    logger: silentLogger(),
    validator,
    configStore: new ConfigStore({ clock, logger: silentLogger(), baseUrl: 'https://op.example:8443' }),
    defaults: {
      secretNamespace: 'gpu-provisioner',
      checksums: { [checksumKey(NVIDIA, 'v1.13.9', 'amd64')]: { kernel: 'a'.repeat(64), initramfs: 'b'.repeat(64) } },
    },
  });
  return build;
}

const input = (over: Partial<TalosBootInput> = {}): TalosBootInput => ({
  namespace: 'ml',
  providerName: 'main',
  hostname: 'gpu-7f3a-0-0',
  nodeLabels: { 'gpu-provisioner.dev/request-uid': '7f3a' },
  boot: 'user-data',
  arch: 'amd64',
  ...over,
});

describe('the Talos builder', () => {
  it('user-data: the rendered, schema-valid machine config itself, request labels under the operator labels', async () => {
    const build = await world();
    const b = await build(input({ talos: { nodeLabels: { team: 'vision', 'gpu-provisioner.dev/request-uid': 'forged' } } }));
    expect(validator.validate(b.userData!)).toEqual([]);
    expect(b.nodeLabels).toEqual({ team: 'vision', 'gpu-provisioner.dev/request-uid': '7f3a' });
  });

  it('kexec: a script that boots the factory kernel of the asked architecture', async () => {
    const build = await world();
    expect((await build(input({ boot: 'kexec' }))).userData).toContain('/kernel-amd64');
  });

  it('throws its own TalosError for what the admin must fix, naming the settings key', async () => {
    const build = await world();
    const e = await build(input({ boot: 'kexec', arch: 'arm64' })).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TalosError);
    expect((e as Error).message).toContain(`TALOS_CHECKSUMS key ${NVIDIA}/v1.13.9/arm64`);
  });

  it('without any template: labels only when the machine needs no config, else a TalosError saying what to create', async () => {
    const build = await world(false);
    expect(await build(input({ templateOptional: true }))).toEqual({
      hostname: 'gpu-7f3a-0-0',
      nodeLabels: { 'gpu-provisioner.dev/request-uid': '7f3a' },
      nodeTaints: [],
    });
    await expect(build(input())).rejects.toThrow(TalosError);
  });
});
