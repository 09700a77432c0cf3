/**
 * The operator's process in a bench scenario: the production wiring (Operator with the
 * default lifecycle options, RealClock, the client-node adapter with its informer
 * cache) against the world process's API server, with sim providers that call the
 * world's sim cloud. It answers the world's questions over IPC: its reconcile counts,
 * its CPU, one full resync, and at the end its peak RSS. Nothing else runs here, so
 * CPU and memory are the operator's own.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeCluster } from '../src/kube/client-node-cluster.js';
import { Operator } from '../src/operator.js';
import { RealClock } from '../src/util/clock.js';
import { createLogger, silentLogger, type LogLevel } from '../src/util/logger.js';
import { remoteSimFactory } from './remote-sim.js';

export interface OperatorStart {
  apiUrl: string;
  simUrl: string;
  clusterName: string;
}

export type OperatorAsk = { ask: 'stats' } | { ask: 'cpu' } | { ask: 'resync'; capS: number } | { ask: 'stop' };

export interface ResyncFigures {
  cpuS: number;
  wallS: number;
  reconciles: number;
  drained: boolean;
}

function send(message: unknown): void {
  process.send!(message);
}

async function main(start: OperatorStart): Promise<void> {
  const clock = new RealClock();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // Plain HTTP on loopback (client-node asks for skipTLSVerify to allow it): the bench leaves TLS out.
    clusters: [{ name: 'bench', server: start.apiUrl, skipTLSVerify: true }],
    users: [{ name: 'operator', token: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'operator' }],
    currentContext: 'bench',
  });
  const logger = process.env.BENCH_OPERATOR_LOG ? createLogger({ level: process.env.BENCH_OPERATOR_LOG as LogLevel }) : silentLogger();
  const cluster = new ClientNodeCluster(kc, { clock, logger });
  const operator = new Operator({
    cluster,
    clock,
    logger,
    namespace: 'gpu-provisioner',
    factories: { sim: remoteSimFactory(start.simUrl) },
    lifecycle: { clusterName: start.clusterName },
  });
  operator.start();
  const stats = () => operator.manager.stats();
  const total = () => stats().reduce((n, c) => n + c.reconciles, 0);

  process.on('message', (m: OperatorAsk) => {
    void (async () => {
      if (m.ask === 'stats') return send({ stats: stats() });
      if (m.ask === 'cpu') {
        const u = process.cpuUsage();
        return send({ cpuS: (u.user + u.system) / 1e6 });
      }
      if (m.ask === 'resync') {
        // One full resync, as the periodic one does, timed until every queue is empty and idle.
        const idle = () => stats().every((c) => c.queueDepth === 0 && c.processing === 0);
        const before = total();
        const cpu = process.cpuUsage();
        const began = Date.now();
        operator.manager.resyncNow();
        let quiet = 0;
        while (quiet < 2 && Date.now() < began + m.capS * 1000) {
          await clock.sleep(10);
          quiet = idle() ? quiet + 1 : 0;
        }
        const used = process.cpuUsage(cpu);
        const figures: ResyncFigures = { cpuS: (used.user + used.system) / 1e6, wallS: (Date.now() - began) / 1000, reconciles: total() - before, drained: quiet >= 2 };
        return send({ resync: figures });
      }
      // What is still live once everything is Ready, before the stop lets go of it.
      (globalThis as { gc?: () => void }).gc?.();
      const liveHeapMb = process.memoryUsage().heapUsed / 2 ** 20;
      await operator.stop(10_000);
      send({ stopped: true, stats: stats(), rssMb: process.resourceUsage().maxRSS / 1024, liveHeapMb });
      process.exit(0);
    })();
  });
  send({ started: true });
}

// The world process is the parent: without it there is nothing to do (and nobody to stop this one).
process.on('disconnect', () => process.exit(1));
process.once('message', (start: OperatorStart) => {
  main(start).catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  });
});
