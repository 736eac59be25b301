import { describe, expect, it } from 'vitest';
import { ageOf, MINUTE, timeOf } from './time.ts';

describe('timeOf', () => {
  it('reads RFC 3339 strings, MicroTime included, and Dates', () => {
    expect(timeOf('2025-06-01T12:00:00Z')).toBe(Date.UTC(2025, 5, 1, 12));
    expect(timeOf('2025-06-01T12:00:00.250000Z')).toBe(Date.UTC(2025, 5, 1, 12) + 250);
    expect(timeOf(new Date(Date.UTC(2025, 5, 1, 12)))).toBe(Date.UTC(2025, 5, 1, 12));
  });

  it('is undefined when absent or not a time', () => {
    expect(timeOf(undefined)).toBeUndefined();
    // What the API serves for an unset MicroTime or Time (an Event's eventTime from an old recorder).
    expect(timeOf(null)).toBeUndefined();
    expect(timeOf('yesterday')).toBeUndefined();
  });
});

describe('ageOf', () => {
  it('measures against the given clock', () => {
    const now = Date.UTC(2025, 5, 1, 12, 10);
    expect(ageOf('2025-06-01T12:00:00Z', now)).toBe(10 * MINUTE);
    expect(ageOf(undefined, now)).toBeUndefined();
  });
});
