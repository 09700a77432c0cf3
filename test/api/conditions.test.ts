import { getCondition, isConditionTrue, removeCondition, setCondition } from '../../src/api/conditions.js';
import type { Condition } from '../../src/api/types.js';

const t0 = Date.parse('2026-01-01T00:00:00.250Z');
const t1 = t0 + 60_000;

describe('setCondition', () => {
  it('adds a condition with the transition time in whole seconds', () => {
    const list = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'WaitingForNode', message: 'waiting' }, t0, 3);
    expect(list).toEqual([
      { type: 'Ready', status: 'False', reason: 'WaitingForNode', message: 'waiting', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 3 },
    ]);
  });

  it('keeps lastTransitionTime while the status stays, and updates reason, message and generation', () => {
    const a = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, t0, 1);
    const b = setCondition(a, { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, t1, 2);
    expect(b[0]).toMatchObject({ reason: 'B', message: 'b', observedGeneration: 2, lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it('moves lastTransitionTime when the status changes', () => {
    const a = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, t0);
    const b = setCondition(a, { type: 'Ready', status: 'True', reason: 'NodeReady', message: '' }, t1);
    expect(b[0]!.lastTransitionTime).toBe('2026-01-01T00:01:00Z');
    expect(b[0]).not.toHaveProperty('observedGeneration');
  });

  it('returns a new array, leaves the input untouched and keeps the order of others', () => {
    const input: Condition[] = [
      { type: 'Launched', status: 'True', reason: 'Launched', message: '', lastTransitionTime: '2025-12-31T00:00:00Z' },
      { type: 'Ready', status: 'False', reason: 'A', message: '', lastTransitionTime: '2025-12-31T00:00:00Z' },
    ];
    const frozen = structuredClone(input);
    const out = setCondition(input, { type: 'Launched', status: 'False', reason: 'InstanceLost', message: 'gone' }, t0);
    expect(out).not.toBe(input);
    expect(input).toEqual(frozen);
    expect(out.map((c) => c.type)).toEqual(['Launched', 'Ready']);
    expect(out[1]).toBe(input[1]);
    const added = setCondition(out, { type: 'Interrupted', status: 'True', reason: 'Interrupted', message: '' }, t0);
    expect(added.map((c) => c.type)).toEqual(['Launched', 'Ready', 'Interrupted']);
  });
});

describe('getCondition, isConditionTrue, removeCondition', () => {
  const list = setCondition(
    setCondition([], { type: 'Ready', status: 'True', reason: 'NodeReady', message: '' }, t0),
    { type: 'Interrupted', status: 'Unknown', reason: 'X', message: '' },
    t0,
  );

  it('find by type', () => {
    expect(getCondition(list, 'Ready')?.reason).toBe('NodeReady');
    expect(getCondition(list, 'Launched')).toBeUndefined();
    expect(getCondition(undefined, 'Ready')).toBeUndefined();
  });

  it('are true only for status True', () => {
    expect(isConditionTrue(list, 'Ready')).toBe(true);
    expect(isConditionTrue(list, 'Interrupted')).toBe(false);
    expect(isConditionTrue(list, 'Launched')).toBe(false);
    expect(isConditionTrue(undefined, 'Ready')).toBe(false);
  });

  it('remove returns a list without the type', () => {
    expect(removeCondition(list, 'Ready').map((c) => c.type)).toEqual(['Interrupted']);
    expect(list).toHaveLength(2);
  });
});
