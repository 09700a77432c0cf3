import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { createSimProvider } from '../../src/providers/sim/sim-provider.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { FakeClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { describeProviderContract } from './contract.js';

describeProviderContract('sim', async () => {
  const clock = new FakeClock();
  const logger = silentLogger();
  const cloud = new SimCloud({ clock, logger });
  const provider = createSimProvider(
    { name: 'sim-main', spec: { type: 'sim', sim: { callLatencyMs: 0 } } },
    { clusterName: 'contract', credentials: {}, clock, logger, cluster: new MemoryCluster({ clock }) },
    cloud,
  );
  return {
    provider,
    clusterName: 'contract',
    // Boot and termination run on the sim's clock; let a few seconds pass after each change.
    settle: () => clock.advance(5_000),
  };
});
