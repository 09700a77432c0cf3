import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { UnsupportedError } from '../../../src/providers/errors.js';
import { defaultFactories, ProviderRegistry } from '../../../src/providers/registry.js';
import { SimProvider } from '../../../src/providers/sim/sim-provider.js';
import type { ProviderContext } from '../../../src/providers/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';

function ctx(): ProviderContext {
  const clock = new FakeClock();
  return { clusterName: 'c', credentials: {}, clock, logger: silentLogger(), cluster: new MemoryCluster({ clock }) };
}

describe('ProviderRegistry', () => {
  it('builds providers from the registered factory of their type', () => {
    const registry = new ProviderRegistry(defaultFactories());
    for (const type of ['sim', 'aws', 'lambda', 'runpod', 'paperspace'] as const) expect(registry.has(type)).toBe(true);
    const p = registry.build({ name: 'sim-1', spec: { type: 'sim' } }, ctx());
    expect(p).toBeInstanceOf(SimProvider);
    expect(p.name).toBe('sim-1');
    const simOnly = new ProviderRegistry({ sim: defaultFactories().sim });
    expect(simOnly.has('aws')).toBe(false);
    expect(() => simOnly.build({ name: 'a', spec: { type: 'aws' } }, ctx())).toThrow(UnsupportedError);
  });

  it('gives sim providers built from one registry one shared cloud', () => {
    const registry = new ProviderRegistry(defaultFactories());
    const c = ctx();
    const a = registry.build({ name: 'a', spec: { type: 'sim' } }, c) as SimProvider;
    const b = registry.build({ name: 'b', spec: { type: 'sim' } }, c) as SimProvider;
    expect(a.cloud).toBe(b.cloud);
    const other = new ProviderRegistry(defaultFactories()).build({ name: 'a', spec: { type: 'sim' } }, c) as SimProvider;
    expect(other.cloud).not.toBe(a.cloud);
  });

  it('keeps live providers by GpuProvider name', () => {
    const registry = new ProviderRegistry(defaultFactories());
    const p = registry.build({ name: 'sim-1', spec: { type: 'sim' } }, ctx());
    registry.set('sim-1', p);
    expect(registry.get('sim-1')).toBe(p);
    expect(registry.all()).toEqual([p]);
    expect(registry.remove('sim-1')).toBe(true);
    expect(registry.get('sim-1')).toBeUndefined();
    expect(registry.all()).toEqual([]);
  });

  it('lets adapters register their factories later', () => {
    const registry = new ProviderRegistry();
    const factory = defaultFactories().sim!;
    registry.register('aws', factory);
    expect(registry.has('aws')).toBe(true);
  });
});
