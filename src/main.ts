/**
 * `npm start`: the operator against the cluster in KUBECONFIG or the in-cluster config.
 * Wiring only; configuration comes from the environment (the Helm chart sets it).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseDuration } from './api/duration.js';
import { onShutdownSignals } from './controller/runtime/shutdown.js';
import { ClientNodeCluster } from './kube/client-node-cluster.js';
import { interruptionMetrics } from './metrics/interruption-metrics.js';
import { providerCallMetrics } from './metrics/provider-metrics.js';
import { createMetricsRegistry, startHealthServer } from './metrics/server.js';
import { Operator } from './operator.js';
import type { TalosDefaults } from './talos/bootstrap-builder.js';
import { ConfigStore, createConfigServer } from './talos/config-endpoint.js';
import { RealClock } from './util/clock.js';
import { createLogger } from './util/logger.js';

async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger();
  const clock = new RealClock();
  const namespace = env.POD_NAMESPACE ?? 'gpu-provisioner';
  const cluster = ClientNodeCluster.fromDefault({ logger, clock });

  // Machines that boot Talos by kexec (Lambda, Paperspace) fetch a config too large for
  // the kernel command line from here, once, with a per-instance token.
  const configStore = env.CONFIG_ENDPOINT_URL
    ? new ConfigStore({ clock, logger: logger.child({ component: 'config-endpoint' }), baseUrl: env.CONFIG_ENDPOINT_URL })
    : undefined;
  const configServer = configStore
    ? createConfigServer(
        configStore,
        env.CONFIG_TLS_CERT && env.CONFIG_TLS_KEY
          ? { cert: readFileSync(env.CONFIG_TLS_CERT), key: readFileSync(env.CONFIG_TLS_KEY) }
          : undefined,
      ).listen(Number(env.CONFIG_PORT ?? 8443))
    : undefined;

  const registry = createMetricsRegistry();
  const operator = new Operator({
    metrics: interruptionMetrics(registry),
    providerMetrics: providerCallMetrics(registry),
    cluster,
    clock,
    logger,
    namespace,
    identity: env.LEADER_ELECTION === 'false' ? undefined : (env.POD_NAME ?? `${os.hostname()}-${process.pid}`),
    lifecycle: {
      clusterName: env.CLUSTER_NAME ?? 'default',
      ...(env.JOIN_TIMEOUT ? { joinTimeoutMs: parseDuration(env.JOIN_TIMEOUT) } : {}),
    },
    configStore,
    talos: {
      version: env.TALOS_VERSION,
      schematicId: env.TALOS_SCHEMATIC_ID,
      // {"<schematic>/<version>": {"kernel": "<sha256>", "initramfs": "<sha256>"}}
      checksums: env.TALOS_CHECKSUMS ? (JSON.parse(env.TALOS_CHECKSUMS) as TalosDefaults['checksums']) : undefined,
    },
    onLostLeadership: () => process.exit(1),
  });
  const health = await startHealthServer({ port: Number(env.METRICS_PORT ?? 8080), ready: () => true, registry });
  onShutdownSignals(async () => {
    logger.info('shutting down: finishing in-flight work and releasing the lease');
    await operator.stop();
    await health.close();
    configServer?.close();
  });
  operator.start();
  logger.info('gpu-provisioner started', { operatorNamespace: namespace, cluster: env.CLUSTER_NAME ?? 'default' });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
