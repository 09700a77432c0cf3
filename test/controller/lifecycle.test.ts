import { readFileSync } from 'node:fs';
import { ConditionTypes, FINALIZER, Labels, Reasons } from '../../src/api/constants.js';
import type { GpuRequest } from '../../src/api/types.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds, type KubeObject, type Node, type PatchOptions } from '../../src/kube/types.js';
import { InsufficientCapacityError } from '../../src/providers/errors.js';
import { FakeClock } from '../../src/util/clock.js';
import { runpodDefinition } from '../../src/providers/runpod/definition.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { createSimProvider } from '../../src/providers/sim/sim-provider.js';
import type { ProviderFactory } from '../../src/providers/types.js';
import { formatInvalid, validateObject } from '../../src/api/validate.js';
import {
  apply,
  drive,
  get,
  gpuRequest,
  hasFinalizer,
  ownInstances,
  phaseIs,
  reconcile,
  reconcileUntil,
  setup,
} from '../support/operator-fixture.js';

const createRunPodProvider = runpodDefinition.factory();

const condition = (r: GpuRequest | undefined, type: string) => r?.status?.conditions?.find((c) => c.type === type);

describe('GpuRequest lifecycle on the sim cloud', () => {
  test('happy path: finalizer first, cheapest spot offer, Node registered, Ready with GPUs', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ capacityTypes: ['spot', 'on-demand'] }));

    await reconcile(f, req);
    const launched = await get(f, req);
    expect(launched?.metadata.finalizers).toContain(FINALIZER);
    expect(launched?.status?.phase).toBe('Provisioning');
    expect(launched?.status?.nodes).toHaveLength(1);
    const slot = launched!.status!.nodes![0]!;
    // The cheapest H100x1 in the catalogue is spot in sim-us-east-1 at 40% of $2.49.
    expect(slot).toMatchObject({ provider: 'sim', capacityType: 'spot', region: 'sim-us-east-1', instanceType: 'g-h100x1' });
    expect(Number(slot.pricePerHour)).toBeCloseTo(1.0, 2);
    expect(condition(launched, ConditionTypes.OfferSelected)?.status).toBe('True');
    expect(launched?.status?.offers?.length).toBeGreaterThan(1);

    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    const node = await f.cluster.get<Node>(Kinds.Node, ready!.status!.nodes![0]!.nodeName!);
    expect(node?.metadata.labels?.[Labels.requestUid]).toBe(ready?.metadata.uid);
    expect(node?.status?.allocatable?.['nvidia.com/gpu']).toBe('1');
    for (const type of [ConditionTypes.Launched, ConditionTypes.Registered, ConditionTypes.Ready]) {
      expect(condition(ready, type)?.status).toBe('True');
    }
    expect(ready?.status).toMatchObject({ provider: 'sim', region: 'sim-us-east-1', capacityType: 'spot', nodeNames: node?.metadata.name });
    expect(Number(ready?.status?.hourlyCost)).toBeCloseTo(1.0, 2);
    expect(ready?.status?.observedGeneration).toBe(ready?.metadata.generation);
    expect(f.cluster.events({ reason: Reasons.NodeReady })).toHaveLength(1);
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('nodes: 3 gives three machines and three Ready nodes', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ gpu: { model: 'L40S', count: 1 }, nodes: 3 }));
    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    const nodes = ready!.status!.nodes!;
    expect(nodes.map((n) => n.index)).toEqual([0, 1, 2]);
    expect(new Set(nodes.map((n) => n.instanceId)).size).toBe(3);
    expect(new Set(nodes.map((n) => n.nodeName)).size).toBe(3);
    expect(await ownInstances(f)).toHaveLength(3);
    expect(Number(ready?.status?.hourlyCost)).toBeCloseTo(nodes.reduce((s, n) => s + Number(n.pricePerHour), 0), 2);
  });

  test('insufficient capacity marks the offer unavailable and launches the next one in the same reconcile', async () => {
    const f = await setup();
    f.cloud.failNextCreate(new InsufficientCapacityError('no capacity for g-h100x1'));
    const req = await apply(f, gpuRequest({ capacityTypes: ['spot'] }));
    await reconcile(f, req);

    const after = await get(f, req);
    const slot = after!.status!.nodes![0]!;
    expect(slot.instanceId).not.toBe('');
    // sim-us-east-1a spot was tried first and failed; the next cheapest is sim-us-east-1b spot.
    expect(slot.zone).toBe('sim-us-east-1b');
    expect(f.operator.unavailable.isUnavailable('sim/sim-us-east-1/sim-us-east-1a/g-h100x1/spot')).toBe(true);
    expect(f.cluster.events({ reason: Reasons.InsufficientCapacity })).toHaveLength(1);
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('nothing fits: a condition that says why, no launch, a slow requeue', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ gpu: { model: 'H100', count: 8 }, maxPricePerHour: '5', capacityTypes: ['spot', 'on-demand'] }));
    const requeue = await reconcile(f, req);
    const after = await get(f, req);
    const c = condition(after, ConditionTypes.OfferSelected);
    expect(c).toMatchObject({ status: 'False', reason: Reasons.NoOffer });
    expect(c?.message).toMatch(/8×H100/);
    expect(c?.message).toMatch(/\$5/);
    expect(c?.message).toMatch(/cheapest/);
    expect(after?.status?.phase).toBe('Pending');
    expect(after?.status?.message).toBe(c?.message);
    expect(requeue).toBe(60_000);
    expect(await ownInstances(f)).toHaveLength(0);
    expect(f.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(0);
    // Reconciling again changes nothing and emits no second event.
    await reconcile(f, req);
    expect(f.cluster.events({ reason: Reasons.NoOffer })).toHaveLength(1);
  });

  test('maxPricePerHour excludes dearer offers', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ capacityTypes: ['on-demand'], maxPricePerHour: '2.50', regions: ['sim-us-west-2', 'sim-us-east-1'] }));
    await reconcile(f, req);
    const slot = (await get(f, req))!.status!.nodes![0]!;
    expect(slot.region).toBe('sim-us-east-1');
    expect(Number(slot.pricePerHour)).toBeLessThanOrEqual(2.5);

    const tooCheap = await apply(f, gpuRequest({ capacityTypes: ['on-demand'], maxPricePerHour: '2.50', regions: ['sim-us-west-2'] }));
    await reconcile(f, tooCheap);
    expect(condition(await get(f, tooCheap), ConditionTypes.OfferSelected)?.status).toBe('False');
  });

  test('delete during launch terminates the machine, then removes the finalizer', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest());
    await reconcile(f, req);
    expect(await ownInstances(f)).toHaveLength(1);

    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, req.metadata.namespace);
    expect((await get(f, req))?.metadata.deletionTimestamp).toBeDefined();
    expect(await reconcileUntil(f, req, (r) => r === undefined)).toBeUndefined();
    expect(await ownInstances(f)).toHaveLength(0);
  });

  test('delete of a Ready request drains, terminates, deletes the Node', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest());
    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    const nodeName = ready!.status!.nodes![0]!.nodeName!;
    await f.cluster.create(Kinds.Pod, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer', namespace: 'ml' },
      spec: { nodeName },
      status: { phase: 'Running' },
    } as KubeObject);

    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, req.metadata.namespace);
    await reconcile(f, req);
    const node = await f.cluster.get<Node>(Kinds.Node, nodeName);
    expect(node === undefined || node.spec?.unschedulable === true).toBe(true);
    expect(await f.cluster.get(Kinds.Pod, 'trainer', 'ml')).toBeUndefined();

    await reconcileUntil(f, req, (r) => r === undefined);
    expect(await f.cluster.get(Kinds.Node, nodeName)).toBeUndefined();
    expect(await ownInstances(f)).toHaveLength(0);
    expect(f.cluster.events({ reason: Reasons.Terminated })).toHaveLength(1);
  });

  test('a restart after the launch call but before the status write adopts the machine', async () => {
    const clock = new FakeClock();
    /** Loses the status write that would record the instance id, as a crash would. */
    class CrashAfterLaunch extends MemoryCluster {
      armed = true;
      override async patch<T extends KubeObject>(kind: typeof Kinds.GpuRequest, name: string, ns: string | undefined, patch: Record<string, unknown>, opts?: PatchOptions): Promise<T> {
        const nodes = (patch.status as { nodes?: { instanceId: string }[] } | undefined)?.nodes;
        if (this.armed && opts?.subresource === 'status' && nodes?.some((n) => n.instanceId)) {
          this.armed = false;
          throw new Error('operator stopped');
        }
        return super.patch<T>(kind, name, ns, patch, opts);
      }
    }
    const cluster = new CrashAfterLaunch({
      clock,
      validate: (obj) => {
        const issues = validateObject(obj);
        return issues.length ? formatInvalid(obj, issues) : undefined;
      },
    });
    const first = await setup({ clock, cluster });
    const req = await apply(first, gpuRequest());
    await expect(reconcile(first, req)).rejects.toThrow('operator stopped');
    expect(await ownInstances(first)).toHaveLength(1);
    const intent = (await get(first, req))!.status!.nodes![0]!;
    expect(intent.instanceId).toBe('');
    expect(intent.launchKey).toMatch(/^gpr-test-/);

    await first.operator.stop();
    const restarted = await setup({ clock, cluster, cloud: first.cloud });
    const ready = await reconcileUntil(restarted, req, phaseIs('Ready'));
    expect(await ownInstances(restarted)).toHaveLength(1);
    expect(ready!.status!.nodes![0]!.instanceId).toBe((await ownInstances(restarted))[0]!.id);
    expect(restarted.cluster.events({ reason: Reasons.Adopted })).toHaveLength(1);
    expect(first.cloud.calls.filter((c) => c.method === 'create').length).toBeLessThanOrEqual(2);
  });

  test('409 conflicts on status writes are retried at once without a second machine', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest());
    await reconcile(f, req);
    await f.clock.advance(3_000); // the machine boots and registers: the next reconcile writes status
    f.cluster.conflictNext(2);
    expect(await reconcile(f, req)).toBe(0);
    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    expect(ready?.status?.nodes).toHaveLength(1);
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('a machine that never joins is terminated after its GpuProvider\'s join timeout and replaced elsewhere', async () => {
    // The GpuProvider's joinTimeout wins over the operator-wide default.
    const f = await setup({ lifecycle: { joinTimeoutMs: 3_600_000 }, simSpec: { joinTimeout: '90s' } });
    f.cloud.failJoin(true);
    const req = await apply(f, gpuRequest({ capacityTypes: ['spot'] }));
    await reconcile(f, req);
    const firstSlot = (await get(f, req))!.status!.nodes![0]!;
    await f.clock.advance(60_000);
    await reconcile(f, req);
    expect(f.cluster.events({ reason: Reasons.JoinTimeout })).toHaveLength(0);
    await f.clock.advance(31_000);
    f.cloud.failJoin(false);

    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    const slot = ready!.status!.nodes![0]!;
    expect(slot.attempt).toBe(1);
    expect(slot.instanceId).not.toBe(firstSlot.instanceId);
    expect(slot.zone).not.toBe(firstSlot.zone);
    expect(f.cluster.events({ reason: Reasons.JoinTimeout })).toHaveLength(1);
    const instances = await ownInstances(f);
    expect(instances.map((i) => i.id)).toEqual([slot.instanceId]);
  });

  test('scaling nodes down takes the surplus node away', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ gpu: { model: 'L4', count: 1 }, nodes: 2 }));
    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, req.metadata.namespace, { spec: { nodes: 1 } });
    const scaled = await reconcileUntil(f, req, (r) => r?.status?.nodes?.length === 1 && r.status.phase === 'Ready');
    expect(scaled!.status!.nodes![0]!.instanceId).toBe(ready!.status!.nodes![0]!.instanceId);
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('lifetime.maxDuration terminates every machine and buys no more', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest({ lifetime: { maxDuration: '1h' } }));
    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    expect(await reconcile(f, req)).toBeLessThanOrEqual(3_600_000);

    await f.clock.advance(3_600_000);
    const failed = await reconcileUntil(f, req, phaseIs('Failed'));
    expect(condition(failed, ConditionTypes.BudgetExceeded)).toMatchObject({ status: 'True', reason: Reasons.MaxDurationReached });
    expect(failed?.status?.message).toMatch(/maxDuration 1h reached/);
    expect(await ownInstances(f)).toHaveLength(0);
    expect(await f.cluster.get(Kinds.Node, ready!.status!.nodes![0]!.nodeName!)).toBeUndefined();
    await reconcile(f, req);
    expect(f.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(1);
    expect(f.cluster.events({ reason: Reasons.MaxDurationReached })).toHaveLength(1);
  });

  test('a Talos template is rendered for every launch; a broken one launches nothing and says which Secret', async () => {
    const f = await setup();
    const template = readFileSync(new URL('../talos/fixtures/worker.yaml', import.meta.url), 'utf8');
    const secret = (name: string, worker: string) =>
      f.cluster.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ml' }, stringData: { 'worker.yaml': worker } } as KubeObject);
    await secret('talos-good', template);
    await secret('talos-broken', template.replace('type: worker', 'type: [worker]'));

    const good = await apply(f, gpuRequest({ talos: { configSecretRef: { name: 'talos-good' } } }));
    expect((await reconcileUntil(f, good, phaseIs('Ready')))?.status?.nodes).toHaveLength(1);

    const broken = await apply(f, gpuRequest({ talos: { configSecretRef: { name: 'talos-broken' } } }));
    await reconcile(f, broken);
    const after = await get(f, broken);
    const launched = condition(after, ConditionTypes.Launched);
    expect(launched).toMatchObject({ status: 'False', reason: Reasons.LaunchFailed });
    expect(launched?.message).toMatch(/talos-broken/);
    expect(launched?.message).not.toMatch(/FAKEMACHINETOKEN/);
    expect(f.cluster.events({ reason: Reasons.InvalidSpec })).toHaveLength(1);
    expect(f.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(1);
    expect(f.operator.unavailable.keys()).toHaveLength(0);
  });

  test('a request only RunPod could serve says RunPod cannot join a node, and launches nothing', async () => {
    // A RunPod account whose catalogue holds the GPUs asked for: its real adapter's capabilities, sim's offers.
    const runpodLike: ProviderFactory = (config, ctx) => {
      const offers = createSimProvider(config, ctx, new SimCloud({ clock: ctx.clock }));
      const runpod = createRunPodProvider(config, ctx);
      return {
        name: config.name,
        type: 'runpod',
        capabilities: runpod.capabilities,
        listOffers: async () => (await offers.listOffers()).map((o) => ({ ...o, providerType: 'runpod' as const })),
        create: (r) => offers.create(r),
        get: (id) => offers.get(id),
        list: () => offers.list(),
        delete: (id) => offers.delete(id),
        checkCredentials: async () => undefined,
      };
    };
    const f = await setup({ factories: { runpod: runpodLike } });
    await f.cluster.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'runpod', namespace: 'gpu-provisioner' }, stringData: { apiKey: 'k' } } as KubeObject);
    await f.cluster.create(Kinds.GpuProvider, {
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: 'runpod' },
      spec: { type: 'runpod', credentialsSecretRef: { name: 'runpod', namespace: 'gpu-provisioner' } },
    } as KubeObject);
    await drive(f.clock, f.operator.providerController.reconcile('runpod'));
    expect(f.operator.registry.get('runpod')).toBeDefined();

    const req = await apply(f, gpuRequest({ providers: ['runpod'] }));
    await reconcile(f, req);
    const c = condition(await get(f, req), ConditionTypes.OfferSelected);
    expect(c).toMatchObject({ status: 'False', reason: Reasons.NoOffer });
    expect(c?.message).toMatch(/runpod/i);
    expect(c?.message).toMatch(/cannot boot Talos|kubelet|node/i);
    expect(await ownInstances(f)).toHaveLength(0);
  });

  test('the finalizer is on before any machine is bought', async () => {
    const f = await setup();
    const req = await apply(f, gpuRequest());
    f.cluster.failNext('patch', new Error('apiserver unavailable'));
    await expect(reconcile(f, req)).rejects.toThrow('apiserver unavailable');
    expect(hasFinalizer(await get(f, req))).toBe(false);
    expect(f.cloud.calls.filter((c) => c.method === 'create')).toHaveLength(0);
  });
});

describe('through the controller manager', () => {
  test('a request reaches Ready and is deleted cleanly, driven by watches alone', async () => {
    const f = await setup();
    f.operator.start();
    const req = await apply(f, gpuRequest({ nodes: 2 }));
    for (let i = 0; i < 200 && (await get(f, req))?.status?.phase !== 'Ready'; i++) await f.clock.advance(250);
    expect((await get(f, req))?.status?.phase).toBe('Ready');

    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, req.metadata.namespace);
    for (let i = 0; i < 200 && (await get(f, req)); i++) await f.clock.advance(250);
    expect(await get(f, req)).toBeUndefined();
    expect(await ownInstances(f)).toHaveLength(0);
    await drive(f.clock, f.operator.stop(1_000));
  });
});
