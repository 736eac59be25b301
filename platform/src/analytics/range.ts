import { ValidationError } from '../services/errors.ts';

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const DAY_MS = 86_400_000;
/** The longest range one answer covers: a year and a day, so "the last 12 months" always fits. */
export const MAX_RANGE_DAYS = 366;
/** The default range: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;

/** Whole UTC days [from, to), `to` exclusive, and the size of the buckets they are counted in. */
export interface AnalyticsRange {
  from: Date;
  to: Date;
  granularity: Granularity;
}

export const startOfDay = (at: Date): Date => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);
export const dayKey = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * The range a query asks for, in whole UTC days: `from` (inclusive) and `to` (inclusive, a day)
 * as YYYY-MM-DD; by default the last 30 days up to today. Refused with the failing field when a
 * day is not a date, `to` is before `from`, or the range is longer than MAX_RANGE_DAYS.
 */
export function analyticsRange(
  query: { from?: string; to?: string; granularity?: Granularity },
  now: Date,
): AnalyticsRange {
  const parse = (field: 'from' | 'to', value: string): Date => {
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || dayKey(day) !== value) {
      throw new ValidationError([{ field, message: 'must be a day, YYYY-MM-DD' }]);
    }
    return day;
  };
  const last = query.to === undefined ? startOfDay(now) : parse('to', query.to);
  const first = query.from === undefined ? addDays(last, 1 - DEFAULT_RANGE_DAYS) : parse('from', query.from);
  if (last < first) throw new ValidationError([{ field: 'to', message: 'must not be before from' }]);
  const days = (last.getTime() - first.getTime()) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) {
    throw new ValidationError([
      { field: 'from', message: `the range may span at most ${MAX_RANGE_DAYS} days` },
    ]);
  }
  return { from: first, to: addDays(last, 1), granularity: query.granularity ?? 'day' };
}

/** The first day of the bucket `day` falls in: itself, its ISO week's Monday, or its month's first. */
export function bucketOf(day: Date, granularity: Granularity): Date {
  if (granularity === 'day') return startOfDay(day);
  if (granularity === 'month') return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
  const start = startOfDay(day);
  return addDays(start, -((start.getUTCDay() + 6) % 7));
}

/** Every bucket that overlaps the range, by its first day (YYYY-MM-DD), oldest first. */
export function buckets(range: AnalyticsRange): string[] {
  const keys: string[] = [];
  for (let day = range.from; day < range.to; day = addDays(day, 1)) {
    const key = dayKey(bucketOf(day, range.granularity));
    if (keys.at(-1) !== key) keys.push(key);
  }
  return keys;
}
