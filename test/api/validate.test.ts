import { applyDefaults, formatInvalid, validateObject, type ValidationIssue } from '../../src/api/validate.js';
import { GPU_MODEL_NAMES } from '../../src/api/gpu-models.js';
import type { GpuProvider, GpuProviderSpec, GpuRequest, GpuRequestSpec } from '../../src/api/types.js';
import type { KubeObject } from '../../src/kube/types.js';
import { findCrdDir } from '../../src/api/validate.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

function request(spec: Record<string, unknown>, extra: Partial<GpuRequest> = {}): GpuRequest {
  return {
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name: 'r1', namespace: 'ml' },
    spec: { gpu: { model: 'H100', count: 1 }, ...spec } as GpuRequestSpec,
    ...extra,
  };
}

function provider(spec: Record<string, unknown>): GpuProvider {
  return {
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuProvider',
    metadata: { name: 'p1' },
    spec: spec as unknown as GpuProviderSpec,
  };
}

const creds = { credentialsSecretRef: { name: 'c' } };

describe('validateObject refuses bad manifests, naming the field', () => {
  const cases: [string, KubeObject, string, RegExp][] = [
    ['gpu.count 0', request({ gpu: { model: 'H100', count: 0 } }), 'spec.gpu.count', /gpu.count must be greater than 0/],
    ['gpu.count too high', request({ gpu: { model: 'H100', count: 17 } }), 'spec.gpu.count', /less than or equal to 16/],
    ['gpu.count a string', request({ gpu: { model: 'H100', count: '2' } }), 'spec.gpu.count', /must be of type integer/],
    ['gpu.count fractional', request({ gpu: { model: 'H100', count: 1.5 } }), 'spec.gpu.count', /integer/],
    ['missing gpu.model', request({ gpu: { count: 1 } }), 'spec.gpu.model', /Required value/],
    ['missing gpu', { ...request({}), spec: {} }, 'spec.gpu', /Required value/],
    ['missing spec', { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuRequest', metadata: { name: 'x' } }, 'spec', /Required/],
    ['unknown gpu model', request({ gpu: { model: 'H1000', count: 1 } }), 'spec.gpu.model', /Unsupported value: "H1000"/],
    ['gpu.minMemoryGiB 0', request({ gpu: { model: 'H100', count: 1, minMemoryGiB: 0 } }), 'spec.gpu.minMemoryGiB', /greater than 0/],
    ['nodes 0', request({ nodes: 0 }), 'spec.nodes', /nodes must be greater than 0/],
    ['nodes negative', request({ nodes: -2 }), 'spec.nodes', /nodes must be greater than 0/],
    ['negative price', request({ maxPricePerHour: '-3' }), 'spec.maxPricePerHour', /should match/],
    ['zero price', request({ maxPricePerHour: '0.00' }), 'spec.maxPricePerHour', /maxPricePerHour must be greater than 0/],
    ['price with a dollar sign', request({ maxPricePerHour: '$4' }), 'spec.maxPricePerHour', /should match/],
    ['price as a number', request({ maxPricePerHour: 4 }), 'spec.maxPricePerHour', /must be of type string/],
    ['unknown capacity type', request({ capacityTypes: ['preemptible'] }), 'spec.capacityTypes[0]', /Unsupported value: "preemptible": supported values: "spot", "on-demand"/],
    ['empty capacityTypes', request({ capacityTypes: [] }), 'spec.capacityTypes', /at least 1 items/],
    ['duplicate capacity types', request({ capacityTypes: ['spot', 'spot'] }), 'spec.capacityTypes', /capacityTypes must not contain duplicate entries/],
    ['duplicate regions', request({ regions: ['us-east-1', 'eu-west-1', 'us-east-1'] }), 'spec.regions', /regions must not contain duplicate entries/],
    ['duplicate providers', request({ providers: ['aws', 'aws'] }), 'spec.providers', /providers must not contain duplicate entries/],
    ['empty provider name', request({ providers: [''] }), 'spec.providers[0]', /at least 1 chars/],
    ['targeted without id', request({ aws: { capacityReservationPreference: 'targeted' } }), 'spec.aws.capacityReservationId', /Required value: capacityReservationId is required when capacityReservationPreference is targeted/],
    ['reservation id without targeted', request({ aws: { capacityReservationId: 'cr-0123456789abcdef0' } }), 'spec.aws.capacityReservationPreference', /needs capacityReservationPreference targeted/],
    ['malformed reservation id', request({ aws: { capacityReservationPreference: 'targeted', capacityReservationId: 'res-1' } }), 'spec.aws.capacityReservationId', /should match/],
    ['unknown reservation preference', request({ aws: { capacityReservationPreference: 'always' } }), 'spec.aws.capacityReservationPreference', /Unsupported value/],
    ['bad duration', request({ lifetime: { maxDuration: '2 hours' } }), 'spec.lifetime.maxDuration', /should match/],
    ['zero maxDuration', request({ lifetime: { maxDuration: '0s' } }), 'spec.lifetime.maxDuration', /lifetime.maxDuration must be greater than 0/],
    ['drainTimeout over an hour', request({ interruption: { drainTimeout: '2h' } }), 'spec.interruption.drainTimeout', /at most 1h/],
    ['replace not a boolean', request({ interruption: { replace: 'yes' } }), 'spec.interruption.replace', /must be of type boolean/],
    ['reserved node label', request({ talos: { nodeLabels: { 'gpu-provisioner.dev/request-uid': 'x' } } }), 'spec.talos.nodeLabels', /reserved gpu-provisioner.dev\/ prefix/],
    ['taint with bad effect', request({ talos: { nodeTaints: [{ key: 'k', effect: 'Evict' }] } }), 'spec.talos.nodeTaints[0].effect', /Unsupported value: "Evict"/],
    ['secret ref without name', request({ talos: { configSecretRef: { key: 'worker.yaml' } } }), 'spec.talos.configSecretRef.name', /Required value/],
    ['typo in a field name', request({ maxPrice: '4' }), 'spec.maxPrice', /not declared in the schema/],
    ['bad phase in status', request({}, { status: { phase: 'Running' as never } }), 'status.phase', /Unsupported value: "Running"/],
    ['condition without reason', request({}, { status: { conditions: [{ type: 'Ready', status: 'True', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' } as never] } }), 'status.conditions[0].reason', /Required value/],
    ['condition time not a date', request({}, { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'R', message: '', lastTransitionTime: 'yesterday' }] } }), 'status.conditions[0].lastTransitionTime', /date-time/],
    ['duplicate condition types', request({}, { status: { conditions: [
      { type: 'Ready', status: 'True', reason: 'R', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'Ready', status: 'False', reason: 'R', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ] } }), 'status.conditions[1]', /Duplicate value: "Ready"/],
    ['uppercase name', { ...request({}), metadata: { name: 'My-Request', namespace: 'ml' } }, 'metadata.name', /RFC 1123/],
    ['wrong version', { ...request({}), apiVersion: 'gpu-provisioner.dev/v1' }, 'apiVersion', /supported values: "gpu-provisioner.dev\/v1alpha1"/],
    ['provider without type', provider({ ...creds }), 'spec.type', /Required value/],
    ['unknown provider type', provider({ type: 'gcp', ...creds }), 'spec.type', /Unsupported value: "gcp"/],
    ['aws without credentials', provider({ type: 'aws' }), 'spec.credentialsSecretRef', /Required value: credentialsSecretRef is required unless type is sim/],
    ['aws settings on a lambda provider', provider({ type: 'lambda', ...creds, aws: { subnetIds: [] } }), 'spec.aws', /Forbidden: aws is allowed only when type is aws/],
    ['lambda settings on an aws provider', provider({ type: 'aws', ...creds, lambda: { sshKeyName: 'k' } }), 'spec.lambda', /Forbidden: lambda is allowed only when type is lambda/],
    ['paperspace settings on a runpod provider', provider({ type: 'runpod', ...creds, paperspace: {} }), 'spec.paperspace', /Forbidden/],
    ['sim settings on a real cloud', provider({ type: 'aws', ...creds, sim: { bootSeconds: 1 } }), 'spec.sim', /Forbidden: sim is allowed only when type is sim/],
    ['duplicate provider regions', provider({ type: 'sim', regions: ['a', 'a'] }), 'spec.regions', /must not contain duplicate entries/],
    ['price refresh too often', provider({ type: 'sim', priceRefreshInterval: '5s' }), 'spec.priceRefreshInterval', /at least 30s/],
    ['join timeout too short', provider({ type: 'sim', joinTimeout: '30s' }), 'spec.joinTimeout', /at least 1m/],
    ['zero requests per second', provider({ type: 'sim', rateLimit: { requestsPerSecond: 0 } }), 'spec.rateLimit.requestsPerSecond', /greater than 0/],
    ['bad subnet id', provider({ type: 'aws', ...creds, aws: { subnetIds: ['sub-1'] } }), 'spec.aws.subnetIds[0]', /should match/],
    ['bad ami', provider({ type: 'aws', ...creds, aws: { amis: { 'us-east-1': 'ami-x' } } }), 'spec.aws.amis.us-east-1', /should match/],
    ['price override listed twice', provider({ type: 'paperspace', ...creds, paperspace: { priceOverrides: [
      { machineType: 'A100', pricePerHour: '3' }, { machineType: 'A100', pricePerHour: '4' },
    ] } }), 'spec.paperspace.priceOverrides', /must not list a machineType twice/],
    ['zero price override', provider({ type: 'paperspace', ...creds, paperspace: { priceOverrides: [{ machineType: 'A100', pricePerHour: '0' }] } }), 'spec.paperspace.priceOverrides[0].pricePerHour', /greater than 0/],
  ];

  it.each(cases)('%s', (_name, obj, field, message) => {
    const issues = validateObject(obj);
    const hit = issues.find((i) => i.field === field);
    if (!hit) throw new Error(`no issue on ${field}; got ${JSON.stringify(issues)}`);
    expect(hit.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const issues = validateObject(request({ gpu: { model: 'H100', count: 0 }, nodes: 0, capacityTypes: ['spot', 'spot'] }));
    expect(issues.map((i) => i.field).sort()).toEqual(['spec.capacityTypes', 'spec.capacityTypes[1]', 'spec.gpu.count', 'spec.nodes']);
  });

  it('accepts a minimal GpuRequest and a minimal sim GpuProvider', () => {
    expect(validateObject(request({}))).toEqual([]);
    expect(validateObject(provider({ type: 'sim' }))).toEqual([]);
  });

  it('leaves objects of other API groups alone', () => {
    expect(validateObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'Whatever_Name' }, spec: { x: 1 } })).toEqual([]);
  });
});

describe('transition rules', () => {
  it('refuse changing gpu or a provider type on update, and allow other changes', () => {
    const before = request({});
    const after = request({ gpu: { model: 'A100-80GB', count: 1 } });
    expect(validateObject(after, before)).toEqual([
      { field: 'spec.gpu', message: 'Invalid value: "object": gpu is immutable; create a new GpuRequest for other GPUs' },
    ]);
    expect(validateObject(request({ nodes: 3 }), before)).toEqual([]);
    const p = provider({ type: 'aws', ...creds });
    const issues = validateObject(provider({ type: 'lambda', ...creds }), p);
    expect(issues.map((i) => i.field)).toEqual(['spec.type']);
    expect(validateObject(provider({ type: 'aws', ...creds, enabled: false }), p)).toEqual([]);
  });

  it('are skipped on create', () => {
    expect(validateObject(request({ gpu: { model: 'A100-80GB', count: 1 } }))).toEqual([]);
  });
});

describe('formatInvalid', () => {
  it('words a refusal as the API server does', () => {
    const obj = request({ gpu: { model: 'H100', count: 0 } });
    expect(formatInvalid(obj, validateObject(obj))).toBe(
      'GpuRequest.gpu-provisioner.dev "r1" is invalid: spec.gpu.count: Invalid value: 0: gpu.count must be greater than 0',
    );
  });

  it('lists several issues in brackets', () => {
    const issues: ValidationIssue[] = [
      { field: 'spec.a', message: 'Required value' },
      { field: 'spec.b', message: 'Forbidden: no' },
    ];
    expect(formatInvalid(provider({ type: 'sim' }), issues)).toBe(
      'GpuProvider.gpu-provisioner.dev "p1" is invalid: [spec.a: Required value, spec.b: Forbidden: no]',
    );
  });

  it('never repeats the value of a credentials field it has no schema for', () => {
    const obj = provider({ type: 'aws', ...creds, apiKey: 'sk-live-secret' });
    const text = formatInvalid(obj, validateObject(obj));
    expect(text).toContain('spec.apiKey');
    expect(text).not.toContain('sk-live-secret');
  });
});

describe('applyDefaults', () => {
  it('fills the GpuRequest defaults, including inside a defaulted interruption', () => {
    const original = request({});
    const r = applyDefaults(original);
    expect(r.spec).toEqual({
      gpu: { model: 'H100', count: 1 },
      nodes: 1,
      capacityTypes: ['on-demand'],
      interruption: { replace: true, drainTimeout: '2m', rebalance: false },
    });
    expect(original.spec).toEqual({ gpu: { model: 'H100', count: 1 } });
  });

  it('keeps what the user wrote and defaults the rest of a partial block', () => {
    const r = applyDefaults(
      request({ nodes: 4, capacityTypes: ['spot'], interruption: { replace: false }, aws: { capacityReservationId: 'cr-0123456789abcdef0' } }),
    );
    expect(r.spec.nodes).toBe(4);
    expect(r.spec.capacityTypes).toEqual(['spot']);
    expect(r.spec.interruption).toEqual({ replace: false, drainTimeout: '2m', rebalance: false });
    expect(r.spec.aws).toEqual({ capacityReservationId: 'cr-0123456789abcdef0', capacityReservationPreference: 'open' });
  });

  it('fills the GpuProvider defaults', () => {
    expect(applyDefaults(provider({ type: 'sim' })).spec).toEqual({
      type: 'sim',
      enabled: true,
      priceRefreshInterval: '5m',
      joinTimeout: '20m',
    });
  });

  it('returns other objects as an unchanged copy', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } };
    const out = applyDefaults(node);
    expect(out).toEqual(node);
    expect(out).not.toBe(node);
  });
});

describe('the GpuRequest model enum', () => {
  it('lists exactly the normalised models of src/api/gpu-models.ts', () => {
    const crd = parse(readFileSync(join(findCrdDir(), 'gpu-provisioner.dev_gpurequests.yaml'), 'utf8'));
    const model = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.gpu.properties.model;
    expect([...model.enum].sort()).toEqual([...GPU_MODEL_NAMES].sort());
    for (const name of GPU_MODEL_NAMES) expect(model.description).toContain(name);
  });
});
