import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { SimCloud } from '../../../src/providers/sim/sim-cloud.js';
import { createSimProvider } from '../../../src/providers/sim/sim-provider.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { describeProviderContract } from '../contract.js';

describeProviderContract('sim', async () => {
  const clock = new FakeClock();
  const cloud = new SimCloud({ clock });
  const ctx = { clusterName: 'contract', credentials: {}, clock, logger: silentLogger(), cluster: new MemoryCluster({ clock }) };
  // No call latency: the suite calls the provider without moving the clock itself.
  const provider = createSimProvider({ name: 'sim-contract', spec: { type: 'sim', sim: { callLatencyMs: 0 } } }, ctx, cloud);
  return {
    provider,
    clusterName: 'contract',
    launchCount: () => cloud.launchCount,
    settle: () => clock.advance(5000),
    unknownId: 'sim-7fffffff',
  };
});
