import { describe, expect, it } from 'vitest';
import { parseQuantity } from './quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['1.5', 1.5],
    ['2', 2],
    ['.5', 0.5],
    ['2Gi', 2 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1Ki', 1024],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1.5e-3', 0.0015],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1E', 1e18],
    ['250u', 0.00025],
    ['10n', 1e-8],
    ['+1', 1],
    ['-1', -1],
    ['0', 0],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });

  it.each(['', 'abc', '1Gb', '1 Gi', '1iB', '1.2.3', 'Gi', '1ki', '1e'])('%j is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});
