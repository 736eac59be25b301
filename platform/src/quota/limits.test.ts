import type { Organization } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { recentPeriods } from './limits.ts';

const org = (created: string): Organization => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'Organization',
  metadata: { name: 'acme', creationTimestamp: created },
  spec: { displayName: 'Acme', plan: 'starter' },
});

describe('recentPeriods', () => {
  it('lists the last periods oldest first, each ending where the next starts', () => {
    const periods = recentPeriods(org('2025-01-31T10:00:00Z'), new Date('2026-03-05T00:00:00Z'), 4);
    expect(periods.map((period) => period.key)).toEqual([
      '2025-11-30',
      '2025-12-31',
      '2026-01-31',
      '2026-02-28',
    ]);
    for (const [i, period] of periods.slice(1).entries()) {
      expect(period.start.getTime()).toBe(periods[i]?.end.getTime());
    }
    expect(periods.at(-1)?.end.toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });

  it('gives one period for a count of one', () => {
    expect(recentPeriods(org('2026-01-15T00:00:00Z'), new Date('2026-01-20T00:00:00Z'), 1)).toHaveLength(1);
  });
});
