import { describe, expect, it } from 'vitest';
import { percentOf, scaledUp } from './int-or-percent.ts';

describe('percentOf', () => {
  it('reads N% only', () => {
    expect(percentOf('0%')).toBe(0);
    expect(percentOf('100%')).toBe(100);
    expect(percentOf(0)).toBeUndefined();
    expect(percentOf('50')).toBeUndefined();
    expect(percentOf('-5%')).toBeUndefined();
    expect(percentOf(undefined)).toBeUndefined();
  });
});

describe('scaledUp', () => {
  it('takes integers as they are and rounds percentages of the total up', () => {
    expect(scaledUp(3, 10)).toBe(3);
    expect(scaledUp('50%', 3)).toBe(2);
    expect(scaledUp('34%', 3)).toBe(2);
    expect(scaledUp('33%', 3)).toBe(1);
    expect(scaledUp('100%', 2)).toBe(2);
    expect(scaledUp('half', 2)).toBeUndefined();
    expect(scaledUp(undefined, 2)).toBeUndefined();
  });
});
