/**
 * `npm start`: the operator against the cluster in KUBECONFIG or the in-cluster config.
 * Wiring only; configuration comes from the environment (the Helm chart sets it).
 */
import os from 'node:os';
import { parseDuration } from './api/duration.js';
import { onShutdownSignals } from './controller/runtime/shutdown.js';
import { ClientNodeCluster } from './kube/client-node-cluster.js';
import { startHealthServer } from './metrics/server.js';
import { Operator } from './operator.js';
import { defaultFactories } from './providers/registry.js';
import { RealClock } from './util/clock.js';
import { createLogger } from './util/logger.js';

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger();
  const clock = new RealClock();
  const namespace = env.POD_NAMESPACE ?? 'gpu-provisioner';
  const cluster = ClientNodeCluster.fromDefault({ logger, clock });
  const operator = new Operator({
    cluster,
    clock,
    logger,
    namespace,
    factories: defaultFactories(),
    identity: env.LEADER_ELECTION === 'false' ? undefined : (env.POD_NAME ?? `${os.hostname()}-${process.pid}`),
    lifecycle: {
      clusterName: env.CLUSTER_NAME ?? 'default',
      ...(env.JOIN_TIMEOUT ? { joinTimeoutMs: parseDuration(env.JOIN_TIMEOUT) } : {}),
    },
    onLostLeadership: () => process.exit(1),
  });
  const health = await startHealthServer({ port: Number(env.METRICS_PORT ?? 8080), ready: () => true });
  onShutdownSignals(async () => {
    logger.info('shutting down: finishing in-flight work and releasing the lease');
    await operator.stop();
    await health.close();
  });
  operator.start();
  logger.info('gpu-provisioner started', { namespace, cluster: env.CLUSTER_NAME ?? 'default' });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
