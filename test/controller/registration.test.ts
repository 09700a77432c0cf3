import { Labels, Reasons } from '../../src/api/constants.js';
import { LAUNCH_KEY_TAG } from '../../src/controller/lifecycle/launch-key.js';
import { UnmatchedNodeController } from '../../src/controller/node/unmatched-node.js';
import { Kinds, type Node } from '../../src/kube/types.js';
import { apply, drive, get, gpuRequest, ownInstances, phaseIs, reconcile, reconcileUntil, setup } from '../support/operator-fixture.js';

function node(name: string, labels: Record<string, string>, gpus: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      capacity: { 'nvidia.com/gpu': gpus },
      allocatable: { 'nvidia.com/gpu': gpus },
    },
  };
}

describe('registration', () => {
  test('a Node that joins with fewer GPUs than asked is Registered, never Ready, and replaced after the join timeout', async () => {
    const f = await setup({ simSpec: { joinTimeout: '5m' } });
    f.cloud.failJoin(true);
    const req = await apply(f, gpuRequest({ gpu: { model: 'H100', count: 8 } }));
    await reconcile(f, req);
    const slot = (await get(f, req))!.status!.nodes![0]!;
    // The machine comes up with half its GPUs visible (a driver problem, say).
    await f.cluster.create(Kinds.Node, node(slot.launchKey, {
      [Labels.requestUid]: req.metadata.uid!,
      [Labels.requestNamespace]: 'ml',
      [Labels.requestName]: req.metadata.name,
      [LAUNCH_KEY_TAG]: slot.launchKey,
    }, '4'));
    await f.clock.advance(10_000);
    await reconcile(f, req);
    const joining = await get(f, req);
    expect(joining?.status?.phase).toBe('Joining');
    expect(joining!.status!.nodes![0]).toMatchObject({ nodeName: slot.launchKey, state: 'Joining' });
    expect(joining?.status?.conditions?.find((c) => c.type === 'Registered')?.status).toBe('True');
    expect(joining?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');

    await f.clock.advance(5 * 60_000);
    f.cloud.failJoin(false);
    const replaced = await reconcileUntil(f, req, phaseIs('Ready'));
    const [event] = f.cluster.events({ reason: Reasons.JoinTimeout });
    expect(event?.message).toMatch(/did not become Ready with 8 GPU\(s\) within 5m/);
    expect(replaced!.status!.nodes![0]!.instanceId).not.toBe(slot.instanceId);
    expect(await f.cluster.get(Kinds.Node, slot.launchKey)).toBeUndefined();
    expect(await ownInstances(f)).toHaveLength(1);
  });

  test('a Node labelled for no request is left alone and reported once, after a grace period', async () => {
    const f = await setup();
    const controller = new UnmatchedNodeController({ cluster: f.cluster, clock: f.clock });
    await f.cluster.create(Kinds.Node, node('stray', {
      [Labels.requestUid]: '00000000-dead',
      [Labels.requestNamespace]: 'ml',
      [Labels.requestName]: 'gone',
      [LAUNCH_KEY_TAG]: 'gpr-test-00000000-0-0',
    }, '1'));
    const first = await drive(f.clock, controller.reconcile('stray'));
    expect(first.requeueAfterMs).toBeGreaterThan(0);
    expect(f.cluster.events({ reason: Reasons.NoMatchingRequest })).toHaveLength(0);

    await f.clock.advance(first.requeueAfterMs!);
    await drive(f.clock, controller.reconcile('stray'));
    await drive(f.clock, controller.reconcile('stray'));
    const events = f.cluster.events({ reason: Reasons.NoMatchingRequest });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', involved: { kind: 'Node', name: 'stray' } });
    expect(events[0]?.message).toMatch(/ml\/gone, which does not exist; left alone/);
    expect(await f.cluster.get(Kinds.Node, 'stray')).toBeDefined();
  });

  test('a Node its request holds is not reported', async () => {
    const f = await setup();
    const controller = new UnmatchedNodeController({ cluster: f.cluster, clock: f.clock });
    const req = await apply(f, gpuRequest());
    const ready = await reconcileUntil(f, req, phaseIs('Ready'));
    await f.clock.advance(10 * 60_000);
    expect(await drive(f.clock, controller.reconcile(ready!.status!.nodes![0]!.nodeName!))).toEqual({});
    expect(f.cluster.events({ reason: Reasons.NoMatchingRequest })).toHaveLength(0);
  });
});
