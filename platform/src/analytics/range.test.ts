import { describe, expect, it } from 'vitest';
import { ValidationError } from '../services/errors.ts';
import { analyticsRange, bucketOf, buckets, dayKey } from './range.ts';

const now = new Date('2026-03-15T13:45:00Z');
const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors[0]?.field;
    throw error;
  }
  return undefined;
};

describe('analytics ranges', () => {
  it('defaults to the last 30 days by day, today included', () => {
    const range = analyticsRange({}, now);
    expect(dayKey(range.from)).toBe('2026-02-14');
    expect(range.to.toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(range.granularity).toBe('day');
    expect(buckets(range)).toHaveLength(30);
  });

  it('takes whole days, to included, and buckets them by ISO week or month', () => {
    const range = analyticsRange({ from: '2026-01-30', to: '2026-03-02', granularity: 'week' }, now);
    expect(buckets(range)).toEqual([
      '2026-01-26',
      '2026-02-02',
      '2026-02-09',
      '2026-02-16',
      '2026-02-23',
      '2026-03-02',
    ]);
    expect(buckets({ ...range, granularity: 'month' })).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    expect(dayKey(bucketOf(new Date('2026-03-01T23:00:00Z'), 'week'))).toBe('2026-02-23');
    expect(dayKey(bucketOf(new Date('2026-03-02T00:00:00Z'), 'week'))).toBe('2026-03-02');
  });

  it('accepts a range of a year and a day, and one day', () => {
    expect(buckets(analyticsRange({ from: '2025-03-15', to: '2026-03-15' }, now))).toHaveLength(366);
    expect(buckets(analyticsRange({ from: '2026-03-15', to: '2026-03-15' }, now))).toEqual(['2026-03-15']);
  });

  it('refuses what is not a day, a reversed range and one too long, naming the field', () => {
    expect(fieldOf(() => analyticsRange({ from: '2026-02-30' }, now))).toBe('from');
    expect(fieldOf(() => analyticsRange({ to: '2026-3-1' }, now))).toBe('to');
    expect(fieldOf(() => analyticsRange({ from: '2026-03-02', to: '2026-03-01' }, now))).toBe('to');
    expect(fieldOf(() => analyticsRange({ from: '2025-03-14', to: '2026-03-15' }, now))).toBe('from');
  });
});
