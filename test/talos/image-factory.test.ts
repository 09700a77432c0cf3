import { createHash } from 'node:crypto';
import {
  amiName,
  awsDiskImageUrl,
  canonicalSchematicYaml,
  initramfsUrl,
  installerImage,
  kernelUrl,
  nvidiaSchematic,
  schematicId,
} from '../../src/talos/image-factory.js';

describe('schematic ID', () => {
  // Vectors from siderolabs/image-factory pkg/schematic/schematic_test.go.
  it.each([
    ['empty', { customization: {} }, '376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba'],
    ['empty lists are omitted', { customization: { extraKernelArgs: [], systemExtensions: {} } }, '376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba'],
    [
      'kernel args',
      { customization: { extraKernelArgs: ['noapic', 'nolapic'] } },
      '9cba8e32753f91a16c1837ab8abf356af021706ef284aef07380780177d9a06c',
    ],
  ])('matches Image Factory for %s', (_name, schematic, id) => {
    expect(schematicId(schematic)).toBe(id);
  });

  it('hashes the NVIDIA schematic in yaml.v3 form', () => {
    const text = canonicalSchematicYaml(nvidiaSchematic());
    expect(text).toBe(
      'customization:\n    systemExtensions:\n        officialExtensions:\n' +
        '            - siderolabs/nonfree-kmod-nvidia-production\n' +
        '            - siderolabs/nvidia-container-toolkit-production\n',
    );
    expect(schematicId(nvidiaSchematic())).toBe(createHash('sha256').update(text).digest('hex'));
    expect(schematicId(nvidiaSchematic(['siderolabs/iscsi-tools']))).not.toBe(schematicId(nvidiaSchematic()));
  });

  it('refuses entries whose YAML form would need quoting', () => {
    expect(() => schematicId({ customization: { extraKernelArgs: ['true'] } })).toThrow(/needs YAML quoting/);
    expect(() => schematicId({ customization: { extraKernelArgs: ['a b'] } })).toThrow(/needs YAML quoting/);
  });
});

describe('factory URLs', () => {
  const img = { schematicId: 'a'.repeat(64), version: 'v1.13.9' };

  it('points at the kernel, initramfs, installer and AWS disk image', () => {
    expect(kernelUrl(img)).toBe(`https://factory.talos.dev/image/${'a'.repeat(64)}/v1.13.9/kernel-amd64`);
    expect(initramfsUrl(img)).toBe(`https://factory.talos.dev/image/${'a'.repeat(64)}/v1.13.9/initramfs-amd64.xz`);
    expect(installerImage(img)).toBe(`factory.talos.dev/installer/${'a'.repeat(64)}:v1.13.9`);
    expect(awsDiskImageUrl({ ...img, arch: 'arm64' })).toBe(`https://factory.talos.dev/image/${'a'.repeat(64)}/v1.13.9/aws-arm64.raw.xz`);
    expect(amiName(img)).toBe('talos-v1.13.9-aaaaaaaaaaaa-amd64');
  });

  it('refuses a malformed schematic or version rather than building a wrong URL', () => {
    expect(() => kernelUrl({ ...img, schematicId: 'abc' })).toThrow(/64 lowercase hex/);
    expect(() => kernelUrl({ ...img, version: '1.13' })).toThrow(/must look like v1.13.9/);
  });
});
