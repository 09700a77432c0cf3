import { formatPrice, parsePrice } from '../../src/api/price.js';

describe('formatPrice', () => {
  it.each([
    [2.4900001, '2.49'],
    [25, '25.00'],
    [0.12345, '0.1235'],
    [0.1 + 0.2, '0.30'],
    [1.5, '1.50'],
    [1.005, '1.005'],
    [98.32, '98.32'],
    [0.0001, '0.0001'],
    [0.00004, '0.00'],
    [2.4999999, '2.50'],
    [1234.5, '1234.50'],
    [-3.2, '-3.20'],
  ])('%d is %s', (value, text) => {
    expect(formatPrice(value)).toBe(text);
  });

  it('refuses what is not a finite number', () => {
    expect(() => formatPrice(Number.NaN)).toThrow();
    expect(() => formatPrice(Number.POSITIVE_INFINITY)).toThrow();
  });
});

describe('parsePrice', () => {
  it.each([
    ['2.49', 2.49],
    ['25', 25],
    ['0.0001', 0.0001],
    ['8.50', 8.5],
  ])('%s is %d', (text, value) => {
    expect(parsePrice(text)).toBe(value);
  });

  it.each(['', '-3', '$4', '2.49001', '1e3', 'abc', '2,49'])('refuses %j', (text) => {
    expect(() => parsePrice(text)).toThrow(/invalid price/);
  });

  it('round-trips with formatPrice', () => {
    for (const text of ['2.49', '25.00', '0.1235', '1.005']) expect(formatPrice(parsePrice(text))).toBe(text);
  });
});
