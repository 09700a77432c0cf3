import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findCrdDir, validateObject, applyDefaults, formatInvalid } from '../../src/api/validate.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { GpuProvider, GpuRequest } from '../../src/api/types.js';

const root = dirname(findCrdDir());

function documents(dir: string): { file: string; obj: KubeObject }[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(root, dir, file), 'utf8')).map((doc) => {
        expect(doc.errors).toEqual([]);
        return { file, obj: doc.toJS() as KubeObject };
      }),
    );
}

const examples = documents('examples');

describe('examples/', () => {
  it('holds the providers and requests the README points at', () => {
    const names = examples.map((e) => `${e.obj.kind}/${e.obj.metadata.name}`);
    expect(names).toEqual(expect.arrayContaining(['GpuProvider/sim', 'GpuProvider/aws-prod', 'GpuProvider/lambda']));
    const requests = examples.filter((e) => e.obj.kind === 'GpuRequest').map((e) => e.obj as GpuRequest);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const r of requests) expect(['ml', 'default']).toContain(r.metadata.namespace);
    const providerTypes = examples.filter((e) => e.obj.kind === 'GpuProvider').map((e) => (e.obj as GpuProvider).spec.type);
    expect(providerTypes.sort()).toEqual(['aws', 'lambda', 'paperspace', 'runpod', 'sim']);
  });

  it.each(examples.map((e) => [`${e.file} ${e.obj.kind}/${e.obj.metadata.name}`, e.obj] as const))(
    '%s is accepted',
    (_name, obj) => {
      const issues = validateObject(obj);
      if (issues.length) throw new Error(formatInvalid(obj, issues));
      expect(issues).toEqual([]);
    },
  );

  it('credentials in examples are placeholders only', () => {
    for (const { obj } of examples.filter((e) => e.obj.kind === 'Secret')) {
      const data = (obj as { stringData?: Record<string, string> }).stringData ?? {};
      for (const [key, value] of Object.entries(data)) {
        expect(`${key}=${value}`).toMatch(/=(replace-me|AKIAX+)$/);
      }
    }
  });

  it('every GpuProvider but sim names a credentials Secret that the examples define', () => {
    const secrets = new Set(examples.filter((e) => e.obj.kind === 'Secret').map((e) => e.obj.metadata.name));
    for (const { obj } of examples.filter((e) => e.obj.kind === 'GpuProvider')) {
      const p = applyDefaults(obj as GpuProvider);
      if (p.spec.type === 'sim') continue;
      expect(secrets).toContain(p.spec.credentialsSecretRef?.name);
    }
  });
});

describe('crds/', () => {
  const crds = documents('crds');

  it('are CRDs of the gpu-provisioner.dev group with status subresources and printer columns', () => {
    expect(crds.map((c) => c.obj.metadata.name).sort()).toEqual([
      'gpubudgets.gpu-provisioner.dev',
      'gpumachines.gpu-provisioner.dev',
      'gpuproviders.gpu-provisioner.dev',
      'gpurequests.gpu-provisioner.dev',
    ]);
    for (const { obj } of crds) {
      const spec = obj.spec as {
        group: string;
        names: { categories: string[] };
        versions: { name: string; served: boolean; storage: boolean; subresources: object; additionalPrinterColumns: { name: string; jsonPath: string }[] }[];
      };
      expect(spec.group).toBe('gpu-provisioner.dev');
      expect(spec.names.categories).toEqual(['gpu-provisioner']);
      expect(spec.versions).toHaveLength(1);
      expect(spec.versions[0]).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
    }
    const request = crds.find((c) => c.obj.metadata.name.startsWith('gpurequests'))!.obj.spec as {
      scope: string;
      names: { shortNames: string[] };
      versions: { additionalPrinterColumns: { name: string; jsonPath: string }[] }[];
    };
    expect(request.scope).toBe('Namespaced');
    expect(request.names.shortNames).toEqual(['gpureq']);
    expect(request.versions[0]!.additionalPrinterColumns.map((c) => c.name)).toEqual([
      'GPU', 'COUNT', 'NODES', 'READY', 'PROVIDER', 'REGION', 'CAPACITY', 'PRICE/H', 'PHASE', 'NODE', 'AGE',
    ]);
    const machine = crds.find((c) => c.obj.metadata.name.startsWith('gpumachines'))!.obj.spec as typeof request;
    expect(machine.scope).toBe('Namespaced');
    expect(machine.names.shortNames).toEqual(['gpum']);
    expect(machine.versions[0]!.additionalPrinterColumns.map((c) => c.name)).toEqual([
      'REQUEST', 'PROVIDER', 'TYPE', 'CAPACITY', 'ZONE', 'PRICE/H', 'INSTANCE', 'NODE', 'PHASE', 'AGE',
    ]);
    const provider = crds.find((c) => c.obj.metadata.name.startsWith('gpuproviders'))!.obj.spec as {
      scope: string;
      names: { shortNames: string[] };
      versions: { additionalPrinterColumns: { name: string; jsonPath: string }[] }[];
    };
    expect(provider.scope).toBe('Cluster');
    expect(provider.names.shortNames).toEqual(['gpuprov']);
    expect(provider.versions[0]!.additionalPrinterColumns.map((c) => c.name)).toEqual(['TYPE', 'READY', 'OFFERS', 'REFRESHED', 'AGE']);
  });

  it('give a GpuMachine the same schema for every field it copies from its GpuRequest', () => {
    const specOf = (prefix: string) =>
      (crds.find((c) => c.obj.metadata.name.startsWith(prefix))!.obj.spec as {
        versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[];
      }).versions[0]!.schema.openAPIV3Schema.properties.spec.properties;
    const request = specOf('gpurequests');
    const machine = specOf('gpumachines');
    const copied = Object.keys(machine).filter((k) => k !== 'replaces');
    expect(copied.sort()).toEqual(['aws', 'capacityTypes', 'gpu', 'interruption', 'maxPricePerHour', 'providers', 'regions', 'talos']);
    for (const key of copied) expect({ [key]: machine[key] }).toEqual({ [key]: request[key] });
  });

  it('are structural: every property typed and described, no properties beside additionalProperties', () => {
    const problems: string[] = [];
    const visit = (s: Record<string, unknown>, path: string) => {
      if (!s.type) problems.push(`${path}: no type`);
      if (path.split('.').length > 2 && !s.description && !path.endsWith('{}')) problems.push(`${path}: no description`);
      if (s.properties && s.additionalProperties) problems.push(`${path}: properties and additionalProperties`);
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) visit(v, `${path}.${k}`);
      if (s.items) visit(s.items as Record<string, unknown>, `${path}[]`);
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties as Record<string, unknown>, `${path}{}`);
    };
    for (const { obj } of crds) {
      const v = (obj.spec as { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] }).versions[0]!;
      const schema = v.schema.openAPIV3Schema;
      for (const key of ['spec', 'status']) visit((schema.properties as Record<string, Record<string, unknown>>)[key]!, `${obj.metadata.name}.${key}`);
    }
    expect(problems).toEqual([]);
  });
});
