import { describe, expect, it } from 'vitest';
import { CronError, parseCron } from './cron.ts';

const at = (iso: string) => new Date(iso);
const next = (schedule: string, after: string) => parseCron(schedule).next(at(after))?.toISOString();

describe('parseCron', () => {
  it.each([
    ['0 3 * * *', '2026-01-01T02:59:00Z', '2026-01-01T03:00:00.000Z'],
    ['0 3 * * *', '2026-01-01T03:00:00Z', '2026-01-02T03:00:00.000Z'],
    ['0 3 * * *', '2026-01-01T03:00:30Z', '2026-01-02T03:00:00.000Z'],
    ['*/15 * * * *', '2026-01-01T10:07:00Z', '2026-01-01T10:15:00.000Z'],
    ['*/15 * * * *', '2026-01-01T23:59:00Z', '2026-01-02T00:00:00.000Z'],
    ['0,30 8-18/2 * * 1-5', '2026-01-02T18:30:00Z', '2026-01-05T08:00:00.000Z'], // Friday evening → Monday
    ['0 0 29 2 *', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['0 0 31 12 7', '2026-01-01T00:00:00Z', '2026-12-06T00:00:00.000Z'], // either day field: December's first Sunday
    ['0 0 * * 7', '2026-01-01T00:00:00Z', '2026-01-04T00:00:00.000Z'], // 7 is Sunday too
    ['@daily', '2026-01-01T12:00:00Z', '2026-01-02T00:00:00.000Z'],
    ['@hourly', '2026-01-01T12:00:00Z', '2026-01-01T13:00:00.000Z'],
    ['@weekly', '2026-01-01T12:00:00Z', '2026-01-04T00:00:00.000Z'],
    ['@monthly', '2026-01-31T12:00:00Z', '2026-02-01T00:00:00.000Z'],
    ['@yearly', '2026-06-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['59 23 31 12 *', '2026-12-31T23:58:59Z', '2026-12-31T23:59:00.000Z'],
  ])('%s after %s is %s', (schedule, after, expected) => {
    expect(next(schedule, after)).toBe(expected);
  });

  it('never fires on a date that does not exist, and says so', () => {
    expect(parseCron('0 0 31 2 *').next(at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it.each([
    ['0 3 * *', 'it has 4 fields'],
    ['60 * * * *', 'minute must be within 0-59'],
    ['* 24 * * *', 'hour must be within 0-23'],
    ['* * 0 * *', 'day of month must be within 1-31'],
    ['* * * 13 *', 'month must be within 1-12'],
    ['* * * * 8', 'day of week must be within 0-7'],
    ['5-3 * * * *', 'range 5-3 is empty'],
    ['*/0 * * * *', 'step must be at least 1'],
    ['0 3 * * MON', 'is not *, a number'],
    ['@every 5m', 'it has 2 fields'],
  ])('refuses %s: %s', (schedule, message) => {
    expect(() => parseCron(schedule)).toThrow(CronError);
    expect(() => parseCron(schedule)).toThrow(message);
  });
});
