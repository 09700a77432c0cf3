/**
 * Run in a child process by sdk-lazy-load.test.ts, so that its module cache starts
 * empty: prints one JSON line saying which AWS SDK clients Node has loaded at each step,
 * from importing the operator to building an AWS provider. The SDK's packages load as
 * CommonJS (their `main`), so Node's CommonJS module cache lists them whether they were
 * imported or required; the last step shows the probe sees them when they are there.
 */
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;

function loadedClients(): string[] {
  const names = Object.keys(cache).map((file) => /[\\/]node_modules[\\/]@aws-sdk[\\/](client-[^\\/]+)[\\/]/.exec(file)?.[1]);
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}

const steps: Record<string, string[]> = {};

const { Operator } = await import('../../../src/operator.js');
const { defaultDeps, run } = await import('../../../src/cli/main.js');
const { MemoryCluster } = await import('../../../src/kube/memory-cluster.js');
const { RealClock } = await import('../../../src/util/clock.js');
const { silentLogger } = await import('../../../src/util/logger.js');
steps.imported = loadedClients();

const clock = new RealClock();
const cluster = new MemoryCluster({ clock });
const operator = new Operator({ cluster, clock, logger: silentLogger(), namespace: 'probe' });
// `gpu-provisioner offers` builds its providers through a registry of its own.
const printed: string[] = [];
const cli = { ...defaultDeps({}), out: (line: string) => printed.push(line), err: (line: string) => printed.push(line) };
if ((await run(['offers', '--provider', 'sim'], cli)) !== 0) throw new Error(`offers --provider sim failed: ${printed.join('\n')}`);
const ctx = { clusterName: 'probe', credentials: {}, clock, logger: silentLogger(), cluster };
const sim = await operator.registry.build({ name: 'sim', spec: { type: 'sim' } }, ctx);
await sim.listOffers();
await sim.close();
steps.simBuilt = loadedClients();

// Built, never called: the clients are made on first call, and the endpoint is a closed port.
const aws = await operator.registry.build({ name: 'aws', spec: { type: 'aws', regions: ['us-east-1'] } }, { ...ctx, baseUrl: 'http://127.0.0.1:9' });
await aws.close();
steps.awsBuilt = loadedClients();

process.stdout.write(`${JSON.stringify(steps)}\n`);
