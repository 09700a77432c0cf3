import { readFileSync } from 'node:fs';
import type { GpuProvider, GpuRequest } from '../../src/api/types.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type Secret } from '../../src/kube/types.js';
import { InvalidRequestError, UnsupportedError } from '../../src/providers/errors.js';
import type { Offer, ProviderType } from '../../src/providers/types.js';
import { createBootstrapBuilder } from '../../src/providers/bootstrap.js';
import { createTalosBootstrap, type TalosDefaults } from '../../src/talos/bootstrap-builder.js';
import { ConfigStore } from '../../src/talos/config-endpoint.js';
import { nvidiaSchematic, schematicId } from '../../src/talos/image-factory.js';
import { MachineConfigValidator } from '../../src/talos/render.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

const template = readFileSync(new URL('../talos/fixtures/worker.yaml', import.meta.url), 'utf8');
const SECRETS = ['FAKEMACHINETOKEN.abcdef0123456789', 'FAKECLUSTERSECRETxyz987', 'fakebt.FAKEBOOTSTRAPTOKEN0'];
const NVIDIA = schematicId(nvidiaSchematic());
const sums = { kernel: 'a'.repeat(64), initramfs: 'b'.repeat(64) };
const armSums = { kernel: 'd'.repeat(64), initramfs: 'e'.repeat(64) };

const validator = new MachineConfigValidator();

function offer(providerType: ProviderType, provider = `${providerType}-main`): Offer {
  return {
    provider,
    providerType,
    instanceType: 'gpu_1x_h100',
    gpuModel: 'H100',
    gpuCount: 1,
    gpuMemoryGiB: 80,
    vcpus: 26,
    memoryGiB: 200,
    region: 'us-east-1',
    capacityType: 'on-demand',
    pricePerHour: 2.49,
    available: true,
  };
}

function request(talos?: GpuRequest['spec']['talos']): GpuRequest {
  return {
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name: 'train', namespace: 'ml', uid: '7f3a' },
    spec: { gpu: { model: 'H100', count: 1 }, talos } as GpuRequest['spec'],
  };
}

function secret(name: string, namespace: string, key: string, value: string): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: { [key]: Buffer.from(value).toString('base64') } };
}

async function setup(opts: { providerTemplate?: boolean; store?: boolean; defaults?: Partial<TalosDefaults> } = {}) {
  const clock = new FakeClock();
  const cluster = new MemoryCluster({ clock });
  for (const type of ['aws', 'lambda', 'paperspace', 'sim'] as const) {
    const gp: GpuProvider = {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: `${type}-main` },
      spec: {
        type,
        ...(opts.providerTemplate ? { talos: { configSecretRef: { name: 'talos-worker' } } } : {}),
      } as GpuProvider['spec'],
    };
    await cluster.create(Kinds.GpuProvider, gp);
  }
  await cluster.create(Kinds.Secret, secret('talos-worker', 'gpu-provisioner', 'worker.yaml', template));
  const store = opts.store ? new ConfigStore({ clock, logger: silentLogger(), baseUrl: 'https://op.example:8443' }) : undefined;
  const build = createBootstrapBuilder(
    createTalosBootstrap({
      cluster,
      clock,
      logger: silentLogger(),
      configStore: store,
      validator,
      defaults: {
        secretNamespace: 'gpu-provisioner',
        checksums: { [`${NVIDIA}/v1.13.9`]: sums, [`${NVIDIA}/v1.13.9/arm64`]: armSums },
        ...opts.defaults,
      },
    }),
  );
  return { cluster, store, build };
}

const labels = { 'gpu-provisioner.dev/request-uid': '7f3a', 'gpu-provisioner.dev/machine': '0' };
const input = (providerType: ProviderType, req = request(), over: Partial<Offer> = {}) => ({
  namespace: req.metadata.namespace ?? 'default',
  ...(req.spec.talos ? { talos: req.spec.talos } : {}),
  offer: { ...offer(providerType), ...over },
  hostname: 'gpu-7f3a-0-0',
  nodeLabels: labels,
});

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('the boot-payload seam: each provider boots the way its definition says', () => {
  it.each(['aws', 'sim'] as const)('gives %s the rendered, schema-valid config as user-data', async (type) => {
    const { build } = await setup({ providerTemplate: true });
    const b = await build(input(type, request({ nodeTaints: [{ key: 'gpu', effect: 'NoSchedule' }] })));
    expect(b.hostname).toBe('gpu-7f3a-0-0');
    expect(b.nodeLabels).toEqual(labels);
    expect(b.nodeTaints).toEqual([{ key: 'gpu', value: undefined, effect: 'NoSchedule' }]);
    expect(validator.validate(b.userData!)).toEqual([]);
    expect(b.userData).toContain('gpu-provisioner.dev/request-uid: 7f3a');
    expect(b.userData).toContain('gpu: NoSchedule');
    expect(b.userData).toContain('hostname: gpu-7f3a-0-0');
    // The install to disk uses the factory installer, so the NVIDIA extensions come along.
    expect(b.userData).toContain(`image: factory.talos.dev/installer/${NVIDIA}:v1.13.9`);
    expect(b.userData).not.toContain('ghcr.io/siderolabs/installer');
  });

  it.each(['lambda', 'paperspace'] as const)('gives %s a kexec script fetching the config once by URL', async (type) => {
    const { build, store } = await setup({ providerTemplate: true, store: true });
    const b = await build(input(type));
    expect(b.userData!.startsWith('#!/bin/bash\n')).toBe(true);
    expect(b.userData).toContain(`KERNEL_URL='https://factory.talos.dev/image/${NVIDIA}/v1.13.9/kernel-amd64'`);
    expect(b.userData).toContain(`KERNEL_SHA256='${sums.kernel}'`);
    expect(b.userData).toMatch(/talos\.config=https:\/\/op\.example:8443\/config\/gpu-7f3a-0-0\?token=[\w-]+'/);
    expect(store!.pending).toBe(1);
    for (const s of SECRETS) expect(b.userData).not.toContain(s);
  });

  it('uses the version and schematic the GpuProvider sets', async () => {
    const custom = 'c'.repeat(64);
    const { build, cluster } = await setup({ store: true, defaults: { checksums: { [`${custom}/v1.13.2`]: sums } } });
    await cluster.patch(Kinds.GpuProvider, 'lambda-main', undefined, {
      spec: { talos: { configSecretRef: { name: 'talos-worker' }, version: 'v1.13.2', schematicId: custom } },
    });
    expect((await build(input('lambda'))).userData).toContain(`https://factory.talos.dev/image/${custom}/v1.13.2/initramfs-amd64.xz`);
  });

  it('refuses a kexec provider when the config is too big for the command line and no endpoint serves it', async () => {
    const { build } = await setup({ providerTemplate: true });
    const e = await failure(build(input('lambda')));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toMatch(/config endpoint/);
  });

  it('refuses a kexec provider without checksums for the image it would boot', async () => {
    const { build, store } = await setup({ providerTemplate: true, store: true, defaults: { checksums: {} } });
    const e = await failure(build(input('paperspace')));
    expect(e.message).toMatch(/no sha256 known for the Talos v1.13.9 amd64 kernel and initramfs/);
    expect(store!.pending).toBe(0);
  });

  it('prefers the GpuRequest’s own Secret, in its namespace', async () => {
    const { build, cluster } = await setup({ providerTemplate: true });
    const own = template.replace('example.com/team: research', 'example.com/team: vision');
    await cluster.create(Kinds.Secret, secret('mine', 'ml', 'cfg', own));
    const b = await build(input('aws', request({ configSecretRef: { name: 'mine', key: 'cfg' } })));
    expect(b.userData).toContain('example.com/team: vision');
  });

  it('falls back to labels only for the sim when no template is configured anywhere', async () => {
    const { build } = await setup();
    expect(await build(input('sim'))).toEqual({ hostname: 'gpu-7f3a-0-0', nodeLabels: labels, nodeTaints: [] });
  });

  it('tells a real provider which Secret to create when no template is configured', async () => {
    const { build } = await setup();
    const e = await failure(build(input('aws')));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toMatch(/create a Secret with key worker.yaml .* GpuProvider aws-main spec.talos.configSecretRef/);
  });

  it('names the missing Secret, and the missing key', async () => {
    const { build, cluster } = await setup();
    let e = await failure(build(input('aws', request({ configSecretRef: { name: 'nope' } }))));
    expect(e.message).toMatch(/^Secret ml\/nope \(named by the request's spec.talos.configSecretRef \(namespace ml\)\) not found/);
    await cluster.create(Kinds.Secret, secret('other', 'ml', 'x', 'y'));
    e = await failure(build(input('aws', request({ configSecretRef: { name: 'other' } }))));
    expect(e.message).toBe('Secret ml/other has no key worker.yaml; put the worker.yaml of talosctl gen config there');
  });

  it('refuses RunPod with the reason its definition gives: it cannot boot Talos', async () => {
    const { build } = await setup({ providerTemplate: true });
    const e = await failure(build(input('runpod')));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toMatch(/^RunPod runs containers, not machines/);
  });

  it('boots an ARM host (Lambda GH200) from the arm64 artefacts, checked against their own sums', async () => {
    const { build } = await setup({ providerTemplate: true, store: true });
    const b = await build(input('lambda', request(), { instanceType: 'gpu_1x_gh200', gpuModel: 'GH200', arch: 'arm64' }));
    expect(b.userData).toContain(`KERNEL_URL='https://factory.talos.dev/image/${NVIDIA}/v1.13.9/kernel-arm64'`);
    expect(b.userData).toContain(`KERNEL_SHA256='${armSums.kernel}'`);
    expect(b.userData).not.toContain('amd64');
  });

  it('refuses an ARM host when no arm64 sums are configured, naming the settings key', async () => {
    const { build } = await setup({ providerTemplate: true, store: true, defaults: { checksums: { [`${NVIDIA}/v1.13.9`]: sums } } });
    const e = await failure(build(input('lambda', request(), { gpuModel: 'GH200', arch: 'arm64' })));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toContain(`TALOS_CHECKSUMS key ${NVIDIA}/v1.13.9/arm64`);
  });

  it('refuses a broken template naming the field and the Secret, never a secret value, and issues no URL', async () => {
    const { build, cluster, store } = await setup({ providerTemplate: true, store: true });
    const broken = template
      .replace('token: FAKEMACHINETOKEN.abcdef0123456789', 'token: [FAKEMACHINETOKEN.abcdef0123456789]')
      .replace('  secret: FAKECLUSTERSECRETxyz987', '  secret: FAKECLUSTERSECRETxyz987\n  sekret: fakebt.FAKEBOOTSTRAPTOKEN0');
    await cluster.replace(Kinds.Secret, {
      ...secret('talos-worker', 'gpu-provisioner', 'worker.yaml', broken),
      metadata: (await cluster.get<Secret>(Kinds.Secret, 'talos-worker', 'gpu-provisioner'))!.metadata,
    });
    for (const type of ['aws', 'lambda'] as const) {
      const e = await failure(build(input(type)));
      expect(e).toBeInstanceOf(InvalidRequestError);
      expect(e.message).toBe(
        'Talos template in Secret gpu-provisioner/talos-worker key worker.yaml renders an invalid machine config: ' +
          'v1alpha1 config: machine.token: must be string; v1alpha1 config: cluster.sekret: is not a known field',
      );
      for (const s of SECRETS) expect(e.message).not.toContain(s);
    }
    const unparsable = template.replace('token: FAKEMACHINETOKEN.abcdef0123456789', 'token: FAKEMACHINETOKEN.abcdef0123456789: [');
    await cluster.replace(Kinds.Secret, {
      ...secret('talos-worker', 'gpu-provisioner', 'worker.yaml', unparsable),
      metadata: (await cluster.get<Secret>(Kinds.Secret, 'talos-worker', 'gpu-provisioner'))!.metadata,
    });
    const e = await failure(build(input('aws')));
    expect(e.message).toMatch(/^Talos template in Secret gpu-provisioner\/talos-worker key worker.yaml: template is not valid YAML at line \d+/);
    for (const s of SECRETS) expect(e.message).not.toContain(s);
    expect(store!.pending).toBe(0);
  });
});
