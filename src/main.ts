/**
 * `npm start`: the operator against the cluster in KUBECONFIG or the in-cluster config.
 * Wiring only; configuration comes from the environment (the Helm chart sets it).
 * The probes answer from the first moment; the controllers start once the API server
 * has answered, and until then the monitor retries with backoff and says why.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseDuration } from './api/duration.js';
import { onShutdownSignals } from './controller/runtime/shutdown.js';
import { ApiServerMonitor } from './kube/api-server-monitor.js';
import { ClientNodeCluster } from './kube/client-node-cluster.js';
import { createOperatorMetrics } from './metrics/operator-metrics.js';
import { loadKubeConfig } from './kube/kubeconfig.js';
import { SecretScopedCluster, secretNamespaces } from './kube/secret-scope.js';
import { Kinds } from './kube/types.js';
import { liveness, readiness, type ProbeSources } from './metrics/probes.js';
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
  const clusterName = env.CLUSTER_NAME ?? 'default';
  const readsSecretsIn = secretNamespaces(namespace, env.SECRET_NAMESPACES);
  const monitor = new ApiServerMonitor({
    connect: () => {
      const { kc, source, server } = loadKubeConfig();
      return { cluster: new SecretScopedCluster(new ClientNodeCluster(kc, { logger, clock }), readsSecretsIn), source, server };
    },
    // Cheap, and only answered where the CRDs are installed and RBAC lets us read them.
    probe: (cluster) => cluster.list(Kinds.GpuProvider),
    clock,
    logger: logger.child({ component: 'api-server' }),
  });

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
  const metrics = createOperatorMetrics(registry);
  // Made once the API server answers; the probes and shutdown read it from here.
  const running: { operator?: Operator } = {};
  const probes: ProbeSources = { api: () => monitor.state, operator: () => running.operator };
  const health = await startHealthServer({
    port: Number(env.METRICS_PORT ?? 8080),
    ready: () => readiness(probes),
    alive: () => liveness(probes),
    registry,
  });
  onShutdownSignals(async () => {
    logger.info('shutting down: finishing in-flight work and releasing the lease');
    await monitor.stop();
    await running.operator?.stop();
    await health.close();
    configServer?.close();
  });
  monitor.start();
  logger.info('gpu-provisioner starting: waiting for the API server', {
    operatorNamespace: namespace,
    cluster: clusterName,
    secretNamespaces: readsSecretsIn,
    healthPort: health.port,
  });

  const cluster = await monitor.connected();
  if (!cluster) return;
  const operator = new Operator({
    ...metrics.operatorOptions,
    providerMetrics: providerCallMetrics(registry),
    cluster,
    clock,
    logger,
    namespace,
    identity: env.LEADER_ELECTION === 'false' ? undefined : (env.POD_NAME ?? `${os.hostname()}-${process.pid}`),
    lifecycle: {
      clusterName,
      ...(env.JOIN_TIMEOUT ? { joinTimeoutMs: parseDuration(env.JOIN_TIMEOUT) } : {}),
      ...(env.REPAIR_AFTER ? { repairAfterMs: parseDuration(env.REPAIR_AFTER) } : {}),
      ...(env.MACHINE_WORKERS ? { machineWorkers: Number(env.MACHINE_WORKERS) } : {}),
      ...(env.REQUEST_WORKERS ? { requestWorkers: Number(env.REQUEST_WORKERS) } : {}),
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
  metrics.observe(operator, cluster, clock);
  running.operator = operator;
  operator.start();
  logger.info('gpu-provisioner started', { operatorNamespace: namespace, cluster: clusterName });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
