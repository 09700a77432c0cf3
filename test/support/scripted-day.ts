/**
 * A day of the operator on the sim cloud, scripted, for the metrics tests: launches in
 * two namespaces (one after a capacity failover and provider 5xx), a machine that never
 * joins, an interruption, a lost Node, a GpuBudget that refuses a launch, an orphan
 * instance, hours of running, and a delete. The operator runs with every metric on
 * one prom-client registry, as main.ts wires it.
 */
import { providerCallMetrics } from '../../src/metrics/provider-metrics.js';
import { Registry } from 'prom-client';
import { Labels, Reasons } from '../../src/api/constants.js';
import type { GpuBudget, GpuMachine, GpuRequest, GpuRequestSpec } from '../../src/api/types.js';
import { applyDefaults } from '../../src/api/validate.js';
import { createOperatorMetrics } from '../../src/metrics/operator-metrics.js';
import { createMetricsRegistry } from '../../src/metrics/server.js';
import { Kinds, type KubeObject } from '../../src/kube/types.js';
import { Operator } from '../../src/operator.js';
import { simProviderFactory } from '../../src/providers/sim/sim-provider.js';
import { silentLogger } from '../../src/util/logger.js';
import { CLUSTER, drive, setup, until, type Fixture } from './operator-fixture.js';

const HOUR = 3_600_000;

export interface Day extends Fixture {
  registry: Registry;
  operator: Operator;
  requests: Record<'train' | 'serve' | 'flaky' | 'explore', GpuRequest>;
  /** The sim offer whose capacity ran out at the first launch. */
  exhaustedOffer: string;
}

function request(name: string, namespace: string, spec: Partial<GpuRequestSpec>): GpuRequest {
  return applyDefaults({
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name, namespace },
    spec: { gpu: { model: 'L4', count: 1 }, ...spec },
  } as KubeObject) as GpuRequest;
}

export async function machinesIn(f: Fixture, namespace?: string): Promise<GpuMachine[]> {
  return f.cluster.list<GpuMachine>(Kinds.GpuMachine, namespace ? { namespace } : {});
}

const ofRequest = (machines: GpuMachine[], name: string) => machines.filter((m) => m.metadata.labels?.[Labels.requestName] === name);

export interface DayOptions {
  /** Runs once the operator is up with its offers cached, before anything is bought (e.g. wait for a scrape). */
  beforeLaunches?: (f: Fixture & { registry: Registry }) => Promise<void>;
}

export async function scriptedDay(opts: DayOptions = {}): Promise<Day> {
  const base = await setup({ stopped: true, simSpec: { joinTimeout: '5m' } });
  const registry = createMetricsRegistry();
  const metrics = createOperatorMetrics(registry);
  const operator = new Operator({
    ...metrics.operatorOptions,
    providerMetrics: providerCallMetrics(registry),
    cluster: base.cluster,
    clock: base.clock,
    logger: silentLogger(),
    namespace: 'gpu-provisioner',
    factories: { sim: simProviderFactory(base.cloud) },
    lifecycle: { clusterName: CLUSTER, pollMs: 1_000, joinTimeoutMs: 5 * 60_000, noFitRequeueMs: 60_000, orphanGraceMs: 10 * 60_000, orphanScanMs: 2 * 60_000 },
  });
  metrics.observe(operator, base.cluster, base.clock);
  const f = { ...base, operator };
  await drive(f.clock, operator.providerController.reconcile('sim'));
  operator.start();
  const { cluster, cloud } = f;

  // research may run one L4 at a time, and spend $50 a day.
  await cluster.create(
    Kinds.GpuBudget,
    applyDefaults({
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuBudget',
      metadata: { name: 'research-cap', namespace: 'research' },
      spec: { maxHourlyCost: '0.9', maxPeriodCost: '50', period: 'day', timeZone: 'Europe/Berlin' },
    } as KubeObject) as GpuBudget,
  );

  // The cheapest spot L4 has no capacity, and the provider answers 5xx for a while: some calls run out of
  // retries (the errors panel counts those), and the launches move on.
  const offers = (await drive(f.clock, operator.offers.getOffers(operator.registry.get('sim')!))).filter((o) => o.gpuModel === 'L4' && o.capacityType === 'spot');
  const cheapest = offers.sort((a, b) => a.pricePerHour - b.pricePerHour)[0]!;
  const exhaustedOffer = `${cheapest.region}/${cheapest.zone ?? '-'}/${cheapest.instanceType}/spot`;
  await opts.beforeLaunches?.({ ...f, registry });
  cloud.insufficientCapacity(exhaustedOffer);
  cloud.serverErrors(40);

  const requests = {
    train: request('train', 'ml', { nodes: 2, capacityTypes: ['spot', 'on-demand'] }),
    serve: request('serve', 'ml', { capacityTypes: ['on-demand'] }),
    flaky: request('flaky', 'ml', { capacityTypes: ['on-demand'] }),
    explore: request('explore', 'research', { nodes: 2, capacityTypes: ['on-demand'] }),
  };
  for (const r of [requests.train, requests.serve, requests.explore]) await cluster.create(Kinds.GpuRequest, r);
  const phase = async (r: GpuRequest) => (await cluster.get<GpuRequest>(Kinds.GpuRequest, r.metadata.name, r.metadata.namespace))?.status?.phase;
  await until(f, async () => (await phase(requests.train)) === 'Ready' && (await phase(requests.serve)) === 'Ready');
  await until(f, () => cluster.events({ reason: Reasons.BudgetExceeded }).length > 0);
  cloud.insufficientCapacity(exhaustedOffer, false);

  // A machine that never joins is replaced at the join timeout.
  cloud.failJoin(true);
  await cluster.create(Kinds.GpuRequest, requests.flaky);
  await until(f, () => cluster.events({ reason: Reasons.JoinTimeout }).length > 0, { stepMs: 1_000 });
  cloud.failJoin(false);
  await until(f, async () => (await phase(requests.flaky)) === 'Ready', { stepMs: 1_000 });

  // One of train's spot machines is interrupted; its replacement takes over.
  const [victim] = ofRequest(await machinesIn(f, 'ml'), 'train');
  cloud.interrupt(victim!.status!.instanceId!, 'spot-interruption', 60_000);
  await until(f, async () => !(await cluster.get(Kinds.GpuMachine, victim!.metadata.name, 'ml')) && (await phase(requests.train)) === 'Ready', { stepMs: 1_000 });

  // serve's Node disappears: the machine is repaired (replaced).
  const [served] = ofRequest(await machinesIn(f, 'ml'), 'serve');
  await cluster.delete(Kinds.Node, served!.status!.nodeName!);
  await until(f, () => cluster.events({ reason: Reasons.NodeLost }).length > 0, { stepMs: 1_000 });
  await until(f, async () => (await phase(requests.serve)) === 'Ready', { stepMs: 1_000 });

  // An instance of this cluster that no GpuMachine holds: garbage collection terminates it.
  const sim = operator.registry.get('sim')!;
  const orphanOffer = (await drive(f.clock, operator.offers.getOffers(sim))).find((o) => o.gpuModel === 'L4' && o.capacityType === 'on-demand' && o.available)!;
  const orphanName = `gpr-${CLUSTER}-orphan00-aaaaa`;
  await drive(
    f.clock,
    sim.create({
      idempotencyKey: orphanName,
      name: orphanName,
      offer: orphanOffer,
      tags: { [Labels.cluster]: CLUSTER, [Labels.machine]: orphanName },
      bootstrap: { hostname: orphanName, nodeLabels: {}, nodeTaints: [] },
    }),
  );
  await until(f, () => cluster.events({ reason: Reasons.OrphanTerminated }).length > 0, { stepMs: 10_000, maxMs: 30 * 60_000 });

  // Hours of work, then flaky is deleted.
  await until(f, async () => false, { stepMs: 60_000, maxMs: 3 * HOUR }).catch(() => undefined);
  await cluster.delete(Kinds.GpuRequest, 'flaky', 'ml');
  await until(f, async () => !(await cluster.get(Kinds.GpuRequest, 'flaky', 'ml')), { stepMs: 1_000 });
  // Let every controller settle on the final state.
  await f.clock.advance(2 * 60_000);
  return { ...f, registry, operator, requests, exhaustedOffer };
}
