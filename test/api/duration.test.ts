import { formatDuration, parseDuration } from '../../src/api/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['20m', 1_200_000],
    ['1h30m', 5_400_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
    ['0s', 0],
    ['0', 0],
    ['2m', 120_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '1d', '1h 30m', '-1h', 'h', '1.h', 'm5', '1hh', '90 s', ' 1h'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
  });
});

describe('formatDuration', () => {
  it.each([
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [1_500, '1.5s'],
    [500, '500ms'],
    [0, '0s'],
    [3_600_000, '1h'],
    [86_400_000, '24h'],
    [-60_000, '-1m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 1_000, 61_001, 3_599_999, 7_384_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
