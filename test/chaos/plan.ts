/**
 * A scenario as data, drawn from a seed: the GpuRequests a user applies, and the faults
 * that hit the operator, the cloud and the API server at given moments. Drawing the
 * whole plan up front keeps it the same whatever happens while it runs.
 */
import type { CapacityTypeName } from '../../src/api/types.js';
import type { CallName, CrashPoint } from './world.js';
import { seeded, type Random } from './prng.js';

/** Faults happen in this much fake time from the start; then they stop and the world settles. */
export const FAULT_WINDOW_MS = 8 * 60_000;

export interface RequestPlan {
  name: string;
  at: number;
  nodes: number;
  model: string;
  capacityTypes: CapacityTypeName[];
}

/** Something that happens at a moment of the fault window; `pick` seeds any choice made then. */
export type Fault = { at: number; pick: number } & (
  | { kind: 'crash'; point: CrashPoint }
  | { kind: 'kill'; downMs: number }
  | { kind: 'rate-limit'; times: number; retryAfterMs: number }
  | { kind: 'server-errors'; times: number }
  | { kind: 'lost-answers'; times: number }
  | { kind: 'create-refused'; times: number; error: 'capacity' | 'quota' }
  | { kind: 'capacity-out'; instanceType: string; forMs: number }
  | { kind: 'watch-drop'; forMs: number }
  | { kind: 'conflicts'; times: number }
  | { kind: 'kube-errors'; call: CallName; times: number }
  | { kind: 'api-brownout'; forMs: number; p: number }
  | { kind: 'interrupt-booting'; noticeMs: number }
  | { kind: 'interrupt'; noticeMs: number }
  | { kind: 'delete-mid-launch'; when: 'before' | 'after' }
  | { kind: 'delete-machine' }
  | { kind: 'scale'; request: string; nodes: number }
  | { kind: 'delete-request'; request: string }
  | { kind: 'add-request'; request: RequestPlan }
  | { kind: 'join-fails'; forMs: number }
  | { kind: 'node-not-ready' }
  | { kind: 'delete-node' }
  | { kind: 'slow-answers'; times: number; delayMs: number; lands: 'at-once' | 'late' }
  | { kind: 'credentials-rejected'; forMs: number }
);

export interface Plan {
  seed: number;
  bootMs: number;
  terminateMs: number;
  /**
   * false: the cloud keeps no idempotency tokens (as Lambda, RunPod, Paperspace): the
   * adapter looks the name up before each create, and a create that slips past that
   * lookup makes a second machine.
   */
  idempotentCloud: boolean;
  requests: RequestPlan[];
  faults: Fault[];
}

/** Models the sim cloud holds plenty of; each request takes its own, so every spec can fit. */
const MODELS: { model: string; instanceType: string; spotOnly: boolean }[] = [
  { model: 'L4', instanceType: 'g-l4x1', spotOnly: true },
  { model: 'A10', instanceType: 'g-a10x1', spotOnly: true },
  { model: 'L40S', instanceType: 'g-l40sx1', spotOnly: false },
  { model: 'H100', instanceType: 'g-h100x1', spotOnly: false },
  { model: 'RTX-4090', instanceType: 'g-4090x1', spotOnly: false },
];

/** Where the operator can die: every side effect it has, and the reads that precede them. */
const CRASH_CALLS: CallName[] = [
  'provider create',
  'provider create',
  'provider delete',
  'provider delete',
  'provider get',
  'provider list',
  'create GpuMachine',
  'delete GpuMachine',
  'patch GpuMachine',
  'patch GpuMachine/status',
  'patch GpuMachine/status',
  'patch GpuRequest',
  'patch GpuRequest/status',
  'patch Node',
  'delete Node',
];

const KUBE_ERROR_CALLS: CallName[] = [
  'create GpuMachine',
  'delete GpuMachine',
  'patch GpuMachine',
  'patch GpuMachine/status',
  'patch GpuRequest/status',
  'list GpuMachine',
  'get GpuMachine',
  'patch Node',
  'delete Node',
];

function requestPlan(rng: Random, name: string, model: (typeof MODELS)[number], at: number): RequestPlan {
  const choices: CapacityTypeName[][] = model.spotOnly
    ? [['spot'], ['on-demand'], ['spot', 'on-demand']]
    : [['on-demand'], ['spot', 'on-demand']];
  return { name, at, nodes: rng.int(1, 5), model: model.model, capacityTypes: rng.pick(choices) };
}

function crash(rng: Random, at: number): Fault {
  const downMs = rng.pick([0, 0, 1, 5, 15, 30]) * 1000;
  const when = rng.pick(['before', 'after'] as const);
  // Half the crashes hit one named call; the others the Nth write of any kind, which over the seeds is every write there is.
  const point = rng.chance(0.5)
    ? { call: rng.pick(CRASH_CALLS), when, skip: rng.int(0, 2), downMs }
    : { call: 'any side effect' as const, when, skip: rng.int(0, 40), downMs };
  return { at, pick: rng.int(0, 2 ** 31), kind: 'crash', point };
}

function fault(rng: Random, at: number, requests: RequestPlan[], spare: (typeof MODELS)[number][]): Fault {
  const base = { at, pick: rng.int(0, 2 ** 31) };
  const kinds = [
    'crash', 'crash', 'crash', 'crash', 'kill', 'rate-limit', 'server-errors', 'lost-answers', 'lost-answers',
    'create-refused', 'capacity-out', 'watch-drop', 'conflicts', 'kube-errors', 'api-brownout', 'api-brownout', 'interrupt-booting', 'interrupt',
    'delete-mid-launch', 'delete-machine', 'scale', 'delete-request', 'add-request', 'join-fails', 'node-not-ready', 'delete-node', 'credentials-rejected', 'slow-answers',
  ] as const;
  const kind = rng.pick(kinds);
  switch (kind) {
    case 'crash':
      return crash(rng, at);
    case 'kill':
      return { ...base, kind, downMs: rng.int(0, 30) * 1000 };
    case 'rate-limit':
      return { ...base, kind, times: rng.int(3, 20), retryAfterMs: rng.pick([200, 1000, 5000, 60_000]) };
    case 'server-errors':
      return { ...base, kind, times: rng.int(3, 20) };
    case 'lost-answers':
      return { ...base, kind, times: rng.int(1, 3) };
    case 'create-refused':
      return { ...base, kind, times: rng.int(1, 3), error: rng.pick(['capacity', 'quota'] as const) };
    case 'capacity-out':
      return { ...base, kind, instanceType: rng.pick(MODELS).instanceType, forMs: rng.int(10, 240) * 1000 };
    case 'watch-drop':
      return { ...base, kind, forMs: rng.int(1, 90) * 1000 };
    case 'conflicts':
      return { ...base, kind, times: rng.int(1, 6) };
    case 'kube-errors':
      return { ...base, kind, call: rng.pick(KUBE_ERROR_CALLS), times: rng.int(1, 4) };
    case 'api-brownout':
      return { ...base, kind, forMs: rng.int(5, 120) * 1000, p: rng.pick([0.1, 0.3, 0.6]) };
    case 'interrupt-booting':
    case 'interrupt':
      return { ...base, kind, noticeMs: rng.pick([0, 5_000, 30_000, 120_000]) };
    case 'delete-mid-launch':
      return { ...base, kind, when: rng.pick(['before', 'after'] as const) };
    case 'delete-machine':
    case 'join-fails':
      return kind === 'join-fails' ? { ...base, kind, forMs: rng.int(30, 180) * 1000 } : { ...base, kind };
    case 'node-not-ready':
    case 'delete-node':
      return { ...base, kind };
    case 'credentials-rejected':
      return { ...base, kind, forMs: rng.int(10, 180) * 1000 };
    case 'slow-answers':
      return { ...base, kind, times: rng.int(1, 4), delayMs: rng.int(31, 90) * 1000, lands: 'at-once' };
    case 'scale':
      return { ...base, kind, request: rng.pick(requests).name, nodes: rng.int(1, 5) };
    case 'delete-request':
      return { ...base, kind, request: rng.pick(requests).name };
    case 'add-request': {
      const model = spare.shift();
      if (!model) return { ...base, kind: 'delete-machine' };
      const request = requestPlan(rng, `r${requests.length + 1}`, model, at);
      requests.push(request);
      return { ...base, kind, request };
    }
  }
}

function churnFault(rng: Random, at: number, requests: RequestPlan[]): Fault {
  const base = { at, pick: rng.int(0, 2 ** 31) };
  switch (rng.pick(['scale', 'delete-machine', 'interrupt'] as const)) {
    case 'scale':
      return { ...base, kind: 'scale', request: rng.pick(requests).name, nodes: rng.int(1, 5) };
    case 'delete-machine':
      return { ...base, kind: 'delete-machine' };
    case 'interrupt':
      return { ...base, kind: 'interrupt', noticeMs: rng.pick([0, 5_000, 30_000, 120_000]) };
  }
}

export function planFor(seed: number, rng: Random = seeded(seed)): Plan {
  const models = [...MODELS];
  // A seeded shuffle: which models the first requests get, and which are left for later ones.
  for (let i = models.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [models[i], models[j]] = [models[j]!, models[i]!];
  }
  const count = rng.int(1, 3);
  const requests: RequestPlan[] = models.splice(0, count).map((m, i) => requestPlan(rng, `r${i + 1}`, m, i === 0 ? 0 : rng.int(0, 120) * 1000));
  // A request added later by a fault is planned then; the list keeps them all.
  const planned = [...requests];
  const faults: Fault[] = [];
  // Most side effects come in bursts (launches after a create, a scale, an interruption):
  // half the faults land in the first minutes, where the operator is busiest.
  const moment = () => (rng.chance(0.5) ? rng.int(1, 150) : rng.int(1, FAULT_WINDOW_MS / 1000 - 60)) * 1000;
  const crashes = rng.int(1, 3);
  for (let i = 0; i < crashes; i++) faults.push(crash(rng, moment()));
  const n = rng.int(2, 6);
  for (let i = 0; i < n; i++) faults.push(fault(rng, moment(), planned, models));
  // Churn, so that later crashes meet launches and terminations too, not only a quiet world.
  const churn = rng.int(1, 3);
  for (let i = 0; i < churn; i++) faults.push(churnFault(rng, rng.int(60, FAULT_WINDOW_MS / 1000 - 60) * 1000, planned));
  faults.sort((a, b) => a.at - b.at);
  const bootMs = rng.pick([1_000, 2_000, 5_000, 15_000]);
  const terminateMs = rng.pick([200, 500, 2_000, 5_000]);
  return { seed, bootMs, terminateMs, idempotentCloud: rng.chance(0.5), requests, faults };
}

export function describeFault(f: Fault): string {
  const at = `@${Math.round(f.at / 1000)}s`;
  switch (f.kind) {
    case 'crash':
      return `crash ${f.point.when} ${f.point.call}${f.point.skip ? ` #${f.point.skip + 1}` : ''} (down ${f.point.downMs / 1000}s)${at}`;
    case 'kill':
      return `kill (down ${f.downMs / 1000}s)${at}`;
    case 'rate-limit':
      return `429x${f.times}${at}`;
    case 'server-errors':
      return `503x${f.times}${at}`;
    case 'lost-answers':
      return `lost create answers x${f.times}${at}`;
    case 'create-refused':
      return `create refused (${f.error}) x${f.times}${at}`;
    case 'capacity-out':
      return `${f.instanceType} out of capacity ${f.forMs / 1000}s${at}`;
    case 'watch-drop':
      return `watches dropped ${f.forMs / 1000}s${at}`;
    case 'conflicts':
      return `conflicts x${f.times}${at}`;
    case 'kube-errors':
      return `500 on ${f.call} x${f.times}${at}`;
    case 'api-brownout':
      return `API server brownout ${f.forMs / 1000}s (${f.p * 100}% of calls fail)${at}`;
    case 'interrupt-booting':
      return `interrupt booting (notice ${f.noticeMs / 1000}s)${at}`;
    case 'interrupt':
      return `interrupt (notice ${f.noticeMs / 1000}s)${at}`;
    case 'delete-mid-launch':
      return `delete GpuMachine ${f.when} its create${at}`;
    case 'delete-machine':
      return `delete a GpuMachine${at}`;
    case 'scale':
      return `scale ${f.request} to ${f.nodes}${at}`;
    case 'delete-request':
      return `delete ${f.request}${at}`;
    case 'add-request':
      return `add ${f.request.name}${at}`;
    case 'join-fails':
      return `joins fail ${f.forMs / 1000}s${at}`;
    case 'node-not-ready':
      return `a Node goes NotReady${at}`;
    case 'delete-node':
      return `kubectl delete node${at}`;
    case 'credentials-rejected':
      return `credentials refused ${f.forMs / 1000}s${at}`;
    case 'slow-answers':
      return `${f.times} provider call(s) answer ${f.delayMs / 1000}s late (${f.lands === 'late' ? 'landing late' : 'done at once'})${at}`;
  }
}

export function describePlan(p: Plan): string {
  const reqs = p.requests.map((r) => `${r.name} ${r.model}x${r.nodes} ${r.capacityTypes.join('/')}`).join(', ');
  return `[${reqs}; boot ${p.bootMs / 1000}s${p.idempotentCloud ? '' : '; no idempotency tokens'}] ${p.faults.map(describeFault).join(', ')}`;
}
