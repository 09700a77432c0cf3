import { deepFreeze, freezeShared, frozenCopy } from '../../src/kube/frozen.js';

describe('frozen objects', () => {
  test('deepFreeze freezes everything reachable', () => {
    const o = deepFreeze({ a: { b: [{ c: 1 }] } });
    expect(Object.isFrozen(o.a.b[0])).toBe(true);
    expect(() => ((o.a.b[0] as { c: number }).c = 2)).toThrow(TypeError);
  });

  test('frozenCopy copies what is not frozen, shares what is, and leaves out undefined', () => {
    const stored = deepFreeze({ labels: { team: 'x' } });
    const input = { metadata: stored, spec: { nodes: 1, gone: undefined, list: [1, { x: 2 }] } };
    const copy = frozenCopy(input);
    expect(copy.metadata).toBe(stored);
    expect(copy.spec).not.toBe(input.spec);
    expect(copy.spec).toEqual({ nodes: 1, list: [1, { x: 2 }] });
    expect('gone' in copy.spec).toBe(false);
    expect(Object.isFrozen(copy.spec.list[1])).toBe(true);
    input.spec.nodes = 5;
    (input.spec.list[1] as { x: number }).x = 9;
    expect(copy.spec).toEqual({ nodes: 1, list: [1, { x: 2 }] });
  });
});

describe('freezeShared', () => {
  test('freezes a parsed object throughout and keeps every value (sharing strings is not visible from JavaScript)', () => {
    const a = freezeShared(JSON.parse('{"metadata":{"labels":{"team":"ml-research"}},"list":["spot"]}') as { metadata: { labels: { team: string } }; list: string[] });
    const b = freezeShared(JSON.parse('{"metadata":{"labels":{"team":"ml-research"}},"list":["spot"]}') as typeof a);
    expect(Object.isFrozen(a.metadata.labels)).toBe(true);
    expect(Object.isFrozen(a.list)).toBe(true);
    expect(b).toEqual(a);
    expect(() => (a.metadata.labels.team = 'x')).toThrow(TypeError);
  });
});
