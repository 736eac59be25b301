import type { Organization } from '@guardian/crds/generated';
import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { USAGE_KINDS, type UsageKind } from './consume.ts';
import { recentPeriods } from './limits.ts';

const DAY_MS = 86_400_000;

export type Counts = Record<UsageKind, number>;

export interface UsageHistory {
  /** The last billing periods, oldest first, the current one last. */
  periods: Array<{ period: string; start: Date; end: Date; used: Counts }>;
  /** Each day (UTC) of the current period up to today, oldest first. */
  days: Array<{ date: string; used: Counts }>;
}

const none = (): Counts => Object.fromEntries(USAGE_KINDS.map((kind) => [kind, 0])) as Counts;

/**
 * Usage over time, counted from the usage ledger (one row per key ever counted, and one per refund
 * counting -1, so these are the same figures the monthly limits were enforced on): per kind for
 * each of the last `count` billing periods (by the period each key was counted in, refunds in the
 * period of what they refund) and per day of the current one (by when it was counted, UTC; a
 * refund on the day of what it refunds, so no day goes below zero).
 */
export function usageHistory(db: Knex, org: Organization, now: Date, count: number): Promise<UsageHistory> {
  const orgId = org.metadata?.name ?? '';
  const periods = recentPeriods(org, now, count);
  const current = periods.at(-1);
  if (!current) throw new RangeError('count must be at least 1');
  return withTenant(db, { orgId }, async (trx) => {
    const perPeriod = await trx.raw<{ rows: Array<{ bucket: string; kind: UsageKind; n: number }> }>(
      `SELECT period AS bucket, kind, sum(units)::integer AS n FROM usage_ledger
       WHERE org_id = ? AND period = ANY(?::text[]) GROUP BY period, kind`,
      [orgId, periods.map((period) => period.key)],
    );
    // A refund counts on the day of the unit it gives back (its key is that unit's, plus ':refund').
    const perDay = await trx.raw<{ rows: Array<{ bucket: string; kind: UsageKind; n: number }> }>(
      `SELECT to_char(coalesce(taken.created_at, entry.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS bucket,
              entry.kind, sum(entry.units)::integer AS n
       FROM usage_ledger entry
       LEFT JOIN usage_ledger taken ON entry.units = -1 AND taken.org_id = entry.org_id
         AND taken.kind = entry.kind AND taken.key || ':refund' = entry.key
       WHERE entry.org_id = ? AND entry.period = ? GROUP BY 1, 2`,
      [orgId, current.key],
    );
    const tally = (rows: Array<{ bucket: string; kind: UsageKind; n: number }>) => {
      const counts = new Map<string, Counts>();
      for (const row of rows) {
        const bucket = counts.get(row.bucket) ?? none();
        bucket[row.kind] = row.n;
        counts.set(row.bucket, bucket);
      }
      return counts;
    };
    const byPeriod = tally(perPeriod.rows);
    const byDay = tally(perDay.rows);
    const lastDay = Math.min(now.getTime(), current.end.getTime() - 1);
    const days: UsageHistory['days'] = [];
    for (let day = current.start.getTime(); day <= lastDay; day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      days.push({ date, used: byDay.get(date) ?? none() });
    }
    return {
      periods: periods.map(({ key, start, end }) => ({
        period: key,
        start,
        end,
        used: byPeriod.get(key) ?? none(),
      })),
      days,
    };
  });
}
