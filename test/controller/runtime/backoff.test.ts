import { backoffDelay, defaultBackoff } from '../../../src/controller/runtime/backoff.js';

describe('backoffDelay', () => {
  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [5, 16_000],
    [9, 256_000],
    [10, 300_000],
    [11, 300_000],
    [10_000, 300_000],
  ])('after %i failures waits %i ms with the defaults', (failures, expected) => {
    expect(backoffDelay(failures)).toBe(expected);
  });

  it('treats negative and fractional counts as whole failures from zero', () => {
    expect(backoffDelay(-3)).toBe(defaultBackoff.baseMs);
    expect(backoffDelay(1.7)).toBe(1_000);
  });

  it('follows custom options', () => {
    const opts = { baseMs: 100, factor: 3, maxMs: 1_000 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, opts))).toEqual([100, 300, 900, 1_000]);
  });
});
