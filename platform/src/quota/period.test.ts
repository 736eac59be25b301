import { describe, expect, it } from 'vitest';
import { billingPeriod } from './period.ts';

const at = (iso: string) => new Date(iso);
const period = (anchor: string, now: string) => {
  const p = billingPeriod(at(anchor), at(now));
  return [p.key, p.end.toISOString().slice(0, 10)];
};

describe('billingPeriod', () => {
  it('runs from the anchor day to the same day of the next month', () => {
    expect(period('2025-03-15T10:00:00Z', '2026-06-20T00:00:00Z')).toEqual(['2026-06-15', '2026-07-15']);
    expect(period('2025-03-15T10:00:00Z', '2026-06-14T23:59:59.999Z')).toEqual(['2026-05-15', '2026-06-15']);
    // The period starts at midnight UTC on the anchor day, whatever the anchor's time of day.
    expect(period('2025-03-15T23:00:00Z', '2026-06-15T00:00:00Z')).toEqual(['2026-06-15', '2026-07-15']);
  });

  it('clamps an anchor of the 31st to the last day of shorter months', () => {
    const anchor = '2025-01-31T08:00:00Z';
    expect(period(anchor, '2025-02-27T12:00:00Z')).toEqual(['2025-01-31', '2025-02-28']);
    expect(period(anchor, '2025-02-28T00:00:00Z')).toEqual(['2025-02-28', '2025-03-31']);
    expect(period(anchor, '2025-03-30T23:59:59Z')).toEqual(['2025-02-28', '2025-03-31']);
    expect(period(anchor, '2025-03-31T00:00:00Z')).toEqual(['2025-03-31', '2025-04-30']);
    expect(period(anchor, '2025-04-30T00:00:00Z')).toEqual(['2025-04-30', '2025-05-31']);
  });

  it('uses February 29 in leap years and February 28 otherwise', () => {
    expect(period('2023-01-30T00:00:00Z', '2024-02-29T00:00:00Z')).toEqual(['2024-02-29', '2024-03-30']);
    expect(period('2023-01-30T00:00:00Z', '2024-02-28T23:00:00Z')).toEqual(['2024-01-30', '2024-02-29']);
    expect(period('2024-02-29T00:00:00Z', '2025-02-28T00:00:00Z')).toEqual(['2025-02-28', '2025-03-29']);
    expect(period('2024-02-29T00:00:00Z', '2028-02-29T01:00:00Z')).toEqual(['2028-02-29', '2028-03-29']);
  });

  it('rolls over the year', () => {
    expect(period('2025-01-31T00:00:00Z', '2026-01-05T00:00:00Z')).toEqual(['2025-12-31', '2026-01-31']);
    expect(period('2025-01-01T00:00:00Z', '2025-12-31T23:59:59Z')).toEqual(['2025-12-01', '2026-01-01']);
    expect(period('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual(['2026-01-01', '2026-02-01']);
  });

  it('always contains now, and consecutive periods meet', () => {
    const anchor = at('2024-01-31T05:00:00Z');
    let t = Date.UTC(2024, 0, 31);
    let previous: ReturnType<typeof billingPeriod> | undefined;
    for (let day = 0; day < 800; day++, t += 86_400_000) {
      const p = billingPeriod(anchor, new Date(t));
      expect(p.start.getTime()).toBeLessThanOrEqual(t);
      expect(p.end.getTime()).toBeGreaterThan(t);
      if (previous && previous.key !== p.key) expect(p.start.getTime()).toBe(previous.end.getTime());
      previous = p;
    }
  });

  it('refuses invalid dates', () => {
    expect(() => billingPeriod(new Date('nope'), new Date())).toThrow(RangeError);
  });
});
