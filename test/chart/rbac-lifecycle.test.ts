/**
 * The chart's RBAC is enough and no more: the operator, built through its public API
 * and wired as src/main.ts wires it (Secrets scoped to its namespace), runs a launch
 * to Ready, a spot interruption with a drain, a delete and a garbage collection on the
 * in-memory cluster with the rules `helm template` renders enforced. Nothing may be
 * refused, and every rule must be used except those for the CRDs that are still to
 * come. Dropping a verb the operator needs makes the lifecycle fail.
 */
import type { GpuRequest } from '../../src/api/types.js';
import { applyDefaults, formatInvalid, validateObject } from '../../src/api/validate.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { policyFor, RbacCluster, type Grant, type PolicyRule, type RbacPolicy } from '../../src/kube/rbac.js';
import { SecretScopedCluster } from '../../src/kube/secret-scope.js';
import { Kinds, type KubeObject, type Node } from '../../src/kube/types.js';
import { readiness } from '../../src/metrics/probes.js';
import { Operator } from '../../src/operator.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { SimProvider, simProviderFactory } from '../../src/providers/sim/sim-provider.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { render, RELEASE_NAMESPACE } from '../support/helm.js';

const SERVICE_ACCOUNT = { namespace: RELEASE_NAMESPACE, name: 'gpu-provisioner' };
const CLUSTER_NAME = 'rbac';

interface World {
  clock: FakeClock;
  memory: MemoryCluster;
  rbac: RbacCluster;
  cloud: SimCloud;
  operator: Operator;
}

/** `simKubelet`: the sim registers Nodes with the operator's own rights, as in a cluster with rbac.simNodes. */
function world(policy: RbacPolicy, opts: { simKubelet?: 'own' | 'operator' } = {}): World {
  const clock = new FakeClock();
  const memory = new MemoryCluster({
    clock,
    validate: (obj) => {
      const issues = validateObject(obj);
      return issues.length ? formatInvalid(obj, issues) : undefined;
    },
  });
  const rbac = new RbacCluster(memory, policy);
  const cloud = new SimCloud({ clock, bootMs: 2_000, terminateMs: 500 });
  const sim = simProviderFactory(cloud);
  const operator = new Operator({
    cluster: new SecretScopedCluster(rbac, [RELEASE_NAMESPACE]),
    clock,
    logger: silentLogger(),
    namespace: RELEASE_NAMESPACE,
    // Simulated machines register their Nodes as kubelets do: with their own credentials, not the operator's.
    factories: { sim: opts.simKubelet === 'operator' ? sim : (config, ctx) => sim(config, { ...ctx, cluster: memory }) },
    identity: 'gpu-provisioner-0',
    lifecycle: { clusterName: CLUSTER_NAME, pollMs: 1_000, joinTimeoutMs: 60_000, orphanGraceMs: 5 * 60_000, orphanScanMs: 60_000 },
  });
  return { clock, memory, rbac, cloud, operator };
}

/** Moves fake time in small steps until `done` holds; false when it never does within `maxMs`. */
async function eventually(w: World, done: () => Promise<boolean>, maxMs = 5 * 60_000): Promise<boolean> {
  for (let t = 0; t <= maxMs; t += 250) {
    if (await done()) return true;
    await w.clock.advance(250);
  }
  return false;
}

const request = (): GpuRequest =>
  applyDefaults({
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name: 'train', namespace: 'ml' },
    spec: { gpu: { model: 'H100', count: 8 }, capacityTypes: ['spot', 'on-demand'] },
  } as KubeObject) as GpuRequest;

const phase = async (w: World) => (await w.memory.get<GpuRequest>(Kinds.GpuRequest, 'train', 'ml'))?.status?.phase;

/** The account's own machines, as the cloud sees them. */
function account(w: World): SimProvider {
  return new SimProvider({ name: 'sim', clusterName: CLUSTER_NAME, clock: w.clock, cloud: w.cloud, cluster: w.memory, callLatencyMs: 0 });
}

async function startWithProvider(w: World): Promise<void> {
  await w.memory.create(Kinds.Secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'sim-credentials', namespace: RELEASE_NAMESPACE },
    stringData: { token: 'sim' },
  } as KubeObject);
  await w.memory.create(
    Kinds.GpuProvider,
    applyDefaults({
      apiVersion: 'gpu-provisioner.dev/v1alpha1',
      kind: 'GpuProvider',
      metadata: { name: 'sim' },
      spec: { type: 'sim', credentialsSecretRef: { name: 'sim-credentials' } },
    } as KubeObject),
  );
  w.operator.start();
}

describe('the chart RBAC, enforced on the operator lifecycle', () => {
  const objects = render();
  const policy = policyFor(objects, SERVICE_ACCOUNT);

  it('finds the rules bound to the ServiceAccount', () => {
    expect(policy.clusterRules.length).toBeGreaterThan(5);
    expect(Object.keys(policy.namespaceRules ?? {})).toEqual([RELEASE_NAMESPACE]);
  });

  it('launch to Ready, interruption, delete and garbage collection: nothing refused, every rule used', async () => {
    const w = world(policy);
    await startWithProvider(w);
    // A budget with room, so its controller reads it and writes its status like any other.
    await w.memory.create(
      Kinds.GpuBudget,
      applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuBudget', metadata: { name: 'team', namespace: 'ml' }, spec: { maxHourlyCost: '1000' } } as KubeObject),
    );
    await w.memory.create(Kinds.GpuRequest, request());
    expect(await eventually(w, async () => (await phase(w)) === 'Ready')).toBe(true);
    expect(readiness({ api: () => ({ reachable: true, problem: '' }), operator: () => w.operator })).toEqual({ ok: true, message: 'ok' });

    // A workload on the node, so the interruption drains it through the Eviction API.
    const [first] = await account(w).list();
    const [node] = await w.memory.list<Node>(Kinds.Node);
    await w.memory.create(Kinds.Pod, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer', namespace: 'ml' },
      spec: { nodeName: node!.metadata.name, containers: [{ name: 'c', image: 'x' }] },
    } as KubeObject);
    w.cloud.interrupt(first!.id);
    expect(
      await eventually(w, async () => {
        const ids = (await account(w).list()).map((i) => i.id);
        return ids.length === 1 && ids[0] !== first!.id && (await phase(w)) === 'Ready';
      }),
    ).toBe(true);
    expect(await w.memory.get(Kinds.Pod, 'trainer', 'ml')).toBeUndefined();

    await w.memory.delete(Kinds.GpuRequest, 'train', 'ml');
    expect(await eventually(w, async () => (await w.memory.get(Kinds.GpuRequest, 'train', 'ml')) === undefined)).toBe(true);
    expect(await account(w).list()).toEqual([]);
    expect(await w.memory.list(Kinds.Node)).toEqual([]);

    // A machine of this cluster that nothing holds: collected after the grace period.
    const [offer] = (await account(w).listOffers()).filter((o) => o.available && o.gpuModel === 'L4');
    const key = `gpr-${CLUSTER_NAME}-0badc0de-0-0`;
    await account(w).create({
      idempotencyKey: key,
      name: key,
      offer: offer!,
      tags: { 'gpu-provisioner.dev/cluster': CLUSTER_NAME, 'gpu-provisioner.dev/launch-key': key },
      bootstrap: { hostname: key, nodeLabels: {}, nodeTaints: [] },
    });
    expect(await eventually(w, async () => (await account(w).list()).length === 0, 15 * 60_000)).toBe(true);

    await w.operator.stop(5_000);
    expect(w.rbac.denials()).toEqual([]);
    const unused = w.rbac.unusedGrants();
    const describe = (g: Grant) => `${g.where}: ${g.verb} ${g.resource}${g.group ? `.${g.group}` : ''}`;
    if (unused.length > 0) console.log(`RBAC grants the lifecycle did not use:\n  ${unused.map(describe).join('\n  ')}`);
    expect(unused.map(describe)).toEqual([]);
  }, 120_000);

  it('with rbac.simNodes the sim provider registers its Nodes with the operator\'s rights', async () => {
    const denied = world(policy, { simKubelet: 'operator' });
    await startWithProvider(denied);
    await denied.memory.create(Kinds.GpuRequest, request());
    expect(await eventually(denied, async () => (await phase(denied)) === 'Ready', 30_000)).toBe(false);
    await denied.operator.stop(5_000);
    expect(denied.rbac.denials().map((d) => `${d.verb} ${d.resource}`)).toContain('create nodes');

    const w = world(policyFor(render({ rbac: { simNodes: true } }), SERVICE_ACCOUNT), { simKubelet: 'operator' });
    await startWithProvider(w);
    await w.memory.create(Kinds.GpuRequest, request());
    expect(await eventually(w, async () => (await phase(w)) === 'Ready')).toBe(true);
    await w.operator.stop(5_000);
    expect(w.rbac.denials()).toEqual([]);
  }, 60_000);

  it.each([
    ['status writes of GpuRequests', 'gpurequests/status', 'patch'],
    ['watching Nodes', 'nodes', 'watch'],
    ['creating the Lease', 'leases', 'create'],
  ])('fails without %s', async (_what, resource, verb) => {
    const without = (rules: PolicyRule[]) =>
      rules.map((r) => (r.resources.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r));
    const reduced: RbacPolicy = {
      ...policy,
      clusterRules: without(policy.clusterRules),
      namespaceRules: Object.fromEntries(Object.entries(policy.namespaceRules ?? {}).map(([ns, rules]) => [ns, without(rules)])),
    };
    const w = world(reduced);
    await startWithProvider(w);
    await w.memory.create(Kinds.GpuRequest, request());
    // Working means the request gets Ready and so does the pod (/readyz: every watch listed).
    const working = async () => (await phase(w)) === 'Ready' && readiness({ api: () => ({ reachable: true, problem: '' }), operator: () => w.operator }).ok;
    const worked = await eventually(w, working, 60_000);
    await w.operator.stop(5_000);
    expect(worked).toBe(false);
    expect(w.rbac.denials().map((d) => `${d.verb} ${d.resource}`)).toContain(`${verb} ${resource}`);
  }, 60_000);
});
