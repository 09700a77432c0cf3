import { ControllerManager, type Controller } from '../../src/controller/runtime/manager.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { Kinds } from '../../src/kube/types.js';
import { liveness, readiness, type ProbedOperator } from '../../src/metrics/probes.js';
import { startHealthServer } from '../../src/metrics/server.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

/** The in-memory cluster with a switch for whether its watches have listed yet (a real cache's first list). */
class SyncingCluster extends MemoryCluster {
  listed = false;
  override synced(): boolean {
    return this.listed;
  }
}

function setup() {
  const clock = new FakeClock();
  const cluster = new SyncingCluster({ clock });
  const manager = new ControllerManager({ cluster, clock, logger: silentLogger(), resyncPeriodMs: 0 });
  let release: () => void = () => undefined;
  const controller: Controller = {
    name: 'nodes',
    kind: Kinds.Node,
    // A reconcile that waits until told: the stuck work loop /healthz must see.
    reconcile: (key) => (key === 'stuck' ? new Promise<void>((r) => (release = r)) : Promise.resolve()),
  };
  manager.register(controller);
  const operator = { isLeader: true, manager };
  const api = { reachable: true, problem: '' };
  const sources = { api: () => api, operator: (): ProbedOperator => operator };
  return { clock, cluster, manager, operator, api, sources, release: () => release() };
}

describe('readiness', () => {
  it('is not ready while the API server does not answer, and says why', () => {
    const { sources, api } = setup();
    api.reachable = false;
    api.problem = 'cannot reach the API server at https://10.0.0.1:6443';
    expect(readiness(sources)).toEqual({ ok: false, message: 'cannot reach the API server at https://10.0.0.1:6443' });
  });

  it('is ready as a follower waiting for the lease once the API server answers', () => {
    const { sources, operator } = setup();
    operator.isLeader = false;
    expect(readiness(sources)).toEqual({ ok: true, message: 'ok: standby, waiting for the leader lease' });
  });

  it('as leader, is ready only once every watch has delivered its initial list', async () => {
    const { sources, manager, cluster, clock } = setup();
    await cluster.create(Kinds.Node, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    expect(readiness(sources).ok).toBe(false);
    manager.start();
    expect(readiness(sources)).toEqual({ ok: false, message: 'leading; waiting for the watches to list every object' });
    await clock.advance(0);
    cluster.listed = true;
    expect(readiness(sources)).toEqual({ ok: true, message: 'ok' });
    await manager.stop();
    expect(readiness(sources).ok).toBe(false);
  });

  it('is not ready before the operator exists', () => {
    expect(readiness({ api: () => ({ reachable: true, problem: '' }), operator: () => undefined })).toEqual({ ok: false, message: 'starting' });
  });
});

describe('liveness', () => {
  it('fails when one reconcile has run past the limit, and recovers when it ends', async () => {
    const { sources, manager, cluster, clock, release } = setup();
    manager.start();
    await cluster.create(Kinds.Node, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'stuck' } });
    await clock.advance(0);
    expect(liveness(sources)).toEqual({ ok: true, message: 'ok' });
    await clock.advance(10 * 60_000);
    expect(liveness(sources)).toEqual({ ok: true, message: 'ok' });
    await clock.advance(1_000);
    expect(liveness(sources)).toEqual({ ok: false, message: 'reconcile nodes stuck has been running for 601s (limit 600s)' });
    release();
    await clock.advance(0);
    expect(liveness(sources).ok).toBe(true);
    await manager.stop();
  });
});

describe('health server', () => {
  it('answers 200 or 503 with the probe message', async () => {
    let ready = { ok: false, message: 'cannot reach the API server' };
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', ready: () => ready, alive: () => ({ ok: true, message: 'ok' }) });
    try {
      const get = async (path: string) => {
        const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
        return [res.status, await res.text()];
      };
      expect(await get('/readyz')).toEqual([503, 'cannot reach the API server']);
      expect(await get('/healthz')).toEqual([200, 'ok']);
      ready = { ok: true, message: 'ok' };
      expect(await get('/readyz')).toEqual([200, 'ok']);
      const [status, metrics] = await get('/metrics');
      expect(status).toBe(200);
      expect(metrics).toContain('gpu_provisioner_process_');
    } finally {
      await server.close();
    }
  });
});
