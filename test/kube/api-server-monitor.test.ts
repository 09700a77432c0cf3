import { ApiServerMonitor, type Connection } from '../../src/kube/api-server-monitor.js';
import { KubeError, KubeNotFoundError } from '../../src/kube/errors.js';
import { KubeConfigError } from '../../src/kube/kubeconfig.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { FakeClock } from '../../src/util/clock.js';
import { recordingLogger } from '../controller/runtime/fakes.js';

function setup(opts: { connect?: () => Connection; failures?: Error[] } = {}) {
  const clock = new FakeClock();
  const logger = recordingLogger();
  const cluster = new MemoryCluster({ clock });
  const probes: number[] = [];
  const failures = [...(opts.failures ?? [])];
  const monitor = new ApiServerMonitor({
    connect: opts.connect ?? (() => ({ cluster, source: 'KUBECONFIG=/kc', server: 'https://10.0.0.1:6443' })),
    probe: async () => {
      probes.push(clock.now());
      const next = failures.shift();
      if (next) throw next;
    },
    clock,
    logger,
  });
  return { clock, logger, monitor, probes, cluster };
}

describe('ApiServerMonitor', () => {
  it('retries an unreachable server with capped exponential backoff and logs it once a minute', async () => {
    const refused = new Error('connect ECONNREFUSED 10.0.0.1:6443');
    const { clock, logger, monitor, probes } = setup({ failures: Array.from({ length: 9 }, () => refused) });
    const t0 = clock.now();
    monitor.start();
    const connected = monitor.connected();
    await clock.advance(200_000);
    expect(probes.map((t) => t - t0)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000, 121_000, 151_000, 161_000, 171_000, 181_000, 191_000]);
    const errors = logger.lines.filter((l) => l.level === 'error');
    // At 0 s, 61 s and 121 s: the same failure at most once a minute, with how often it was left out.
    expect(errors.map((l) => l.meta.repeatedSinceLastLog)).toEqual([undefined, 5, 1]);
    expect(errors[0]!.meta.error).toBe(
      'cannot reach the API server at https://10.0.0.1:6443 (from KUBECONFIG=/kc): connect ECONNREFUSED 10.0.0.1:6443; check that the cluster is up and the address is right',
    );
    expect(logger.lines.filter((l) => l.level === 'info').map((l) => [l.msg, l.meta.failedAttempts])).toEqual([
      ['the Kubernetes API server answers again', 9],
    ]);
    expect(monitor.state).toEqual({ reachable: true, problem: '' });
    await expect(connected).resolves.toBeDefined();
    await monitor.stop();
  });

  it('is not reachable, with the reason, until the first answer', async () => {
    const { clock, monitor } = setup({ failures: [new KubeNotFoundError('list gpuproviders: 404 page not found')] });
    expect(monitor.state.reachable).toBe(false);
    monitor.start();
    await clock.advance(0);
    expect(monitor.state).toEqual({
      reachable: false,
      problem:
        'the API server at https://10.0.0.1:6443 (from KUBECONFIG=/kc) does not serve the gpu-provisioner.dev CRDs (list gpuproviders: 404 page not found); install them: helm install does, or kubectl apply -f crds/',
    });
    await clock.advance(1_000);
    expect(monitor.state.reachable).toBe(true);
    await monitor.stop();
  });

  it('says when the credentials are refused', async () => {
    const { clock, monitor } = setup({ failures: [new KubeError('list gpuproviders: forbidden', 403)] });
    monitor.start();
    await clock.advance(0);
    expect(monitor.state.problem).toMatch(/refused the credentials \(list gpuproviders: forbidden\); check the service account and its RBAC/);
    await monitor.stop();
  });

  it('reads the configuration again after it failed to load', async () => {
    const cluster = new MemoryCluster();
    let attempts = 0;
    const { clock, monitor, logger } = setup({
      connect: () => {
        attempts++;
        if (attempts < 3) throw new KubeConfigError('no Kubernetes configuration: KUBECONFIG is not set');
        return { cluster, source: 'KUBECONFIG=/kc', server: 'https://10.0.0.1:6443' };
      },
    });
    monitor.start();
    await clock.advance(10_000);
    expect(attempts).toBe(3);
    expect(monitor.state.reachable).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.meta.error)).toEqual([
      'no Kubernetes configuration: KUBECONFIG is not set',
    ]);
    await monitor.stop();
  });

  it('connected() resolves undefined when stopped first', async () => {
    const { monitor } = setup({ failures: [new Error('down'), new Error('down')] });
    monitor.start();
    const connected = monitor.connected();
    await monitor.stop();
    await expect(connected).resolves.toBeUndefined();
  });
});
