import { IndexStore, objectKey } from '../../src/kube/index-store.js';
import type { KubeObject } from '../../src/kube/types.js';

function obj(name: string, labels: Record<string, string> = {}, extra: Partial<KubeObject> & { namespace?: string } = {}): KubeObject {
  const { namespace = 'ml', ...rest } = extra;
  return { apiVersion: 'v1', kind: 'Thing', metadata: { name, namespace, labels }, ...rest };
}

const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name);

/**
 * Counts how often select() looks at each stored object, so a test can tell an index
 * lookup (only the bucket's objects are read) from a scan (every object is read).
 */
function countReads(store: IndexStore): { reads: () => number } {
  const read = new Set<string>();
  for (const o of store.values()) {
    const metadata = o.metadata;
    Object.defineProperty(o, 'metadata', {
      get: () => {
        read.add(metadata.name);
        return metadata;
      },
    });
  }
  return { reads: () => read.size };
}

describe('IndexStore', () => {
  it('serves an equality label selector from the smallest bucket it names, in key order', () => {
    const store = new IndexStore();
    for (let i = 0; i < 1000; i++) store.set(obj(`o-${String(i).padStart(4, '0')}`, { team: i % 2 ? 'a' : 'b', id: String(i) }));
    const { reads } = countReads(store);
    expect(names(store.select({ labelSelector: { team: 'a', id: '7' } }))).toEqual(['o-0007']);
    // One object read (to check the other label), not a thousand.
    expect(reads()).toBe(1);
    expect(store.select({ labelSelector: { team: 'a', id: '8' } })).toEqual([]);
    expect(store.select({ labelSelector: { nosuch: 'x' } })).toEqual([]);
    expect(names(store.select({ labelSelector: { team: 'b' } })).slice(0, 3)).toEqual(['o-0000', 'o-0002', 'o-0004']);
  });

  it('moves an object between buckets when its labels change, and forgets it on delete', () => {
    const store = new IndexStore();
    store.set(obj('x', { phase: 'pending', keep: '1' }));
    store.set(obj('y', { phase: 'pending' }));
    store.set(obj('x', { phase: 'ready' }));
    expect(names(store.select({ labelSelector: { phase: 'pending' } }))).toEqual(['y']);
    expect(names(store.select({ labelSelector: { phase: 'ready' } }))).toEqual(['x']);
    expect(store.select({ labelSelector: { keep: '1' } })).toEqual([]);
    expect(store.delete('ml/y')?.metadata.name).toBe('y');
    expect(store.delete('ml/y')).toBeUndefined();
    expect(store.select({ labelSelector: { phase: 'pending' } })).toEqual([]);
    expect(store.size).toBe(1);
  });

  it('serves an indexed field selector from its index, and still filters by one it has no index for', () => {
    const store = new IndexStore({ namespaced: false, fields: ['spec.providerID'] });
    for (let i = 0; i < 200; i++) {
      store.set(obj(`n${i}`, {}, { namespace: undefined, spec: { providerID: `sim://i-${i}`, unschedulable: i === 3 } }));
    }
    const { reads } = countReads(store);
    expect(names(store.select({ fieldSelector: { 'spec.providerID': 'sim://i-42' } }))).toEqual(['n42']);
    expect(reads()).toBe(1);
    store.set(obj('n42', {}, { namespace: undefined, spec: { providerID: 'sim://moved' } }));
    expect(store.select({ fieldSelector: { 'spec.providerID': 'sim://i-42' } })).toEqual([]);
    expect(names(store.select({ fieldSelector: { 'spec.providerID': 'sim://moved' } }))).toEqual(['n42']);
    expect(names(store.select({ fieldSelector: { 'spec.unschedulable': 'true' } }))).toEqual(['n3']);
    // A cluster-scoped store ignores a namespace, as the API server does.
    expect(store.select({ namespace: 'ml', fieldSelector: { 'spec.providerID': 'sim://moved' } })).toHaveLength(1);
  });

  it('selects by namespace from its own index', () => {
    const store = new IndexStore();
    store.set(obj('a', {}, { namespace: 'ml' }));
    store.set(obj('b', {}, { namespace: 'ops' }));
    store.set(obj('a', { x: '1' }, { namespace: 'ops' }));
    expect(store.select({ namespace: 'ops' }).map(objectKey)).toEqual(['ops/a', 'ops/b']);
    expect(store.select({ namespace: 'ops', labelSelector: { x: '1' } }).map(objectKey)).toEqual(['ops/a']);
    expect(store.select({ namespace: 'none' })).toEqual([]);
    expect(store.select().map(objectKey)).toEqual(['ml/a', 'ops/a', 'ops/b']);
  });

  it('keeps named indexes current across updates and deletes', () => {
    const store = new IndexStore({ indexers: { owner: (o) => o.metadata.annotations?.owner } });
    store.set({ ...obj('a'), metadata: { name: 'a', namespace: 'ml', annotations: { owner: 'r1' } } });
    store.set({ ...obj('b'), metadata: { name: 'b', namespace: 'ml', annotations: { owner: 'r1' } } });
    store.set(obj('c'));
    expect(names(store.byIndex('owner', 'r1'))).toEqual(['a', 'b']);
    store.set({ ...obj('a'), metadata: { name: 'a', namespace: 'ml', annotations: { owner: 'r2' } } });
    store.delete('ml/b');
    expect(store.byIndex('owner', 'r1')).toEqual([]);
    expect(names(store.byIndex('owner', 'r2'))).toEqual(['a']);
    expect(() => store.byIndex('nosuch', 'x')).toThrow(/no index named nosuch/);
  });
});
