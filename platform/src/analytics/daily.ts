import type { Knex } from 'knex';
import { dayKey } from './range.ts';

/** One day's count of one metric (and dimension) for an organization. */
export interface DailyRow {
  metric: DailyMetric;
  /** YYYY-MM-DD, UTC; or the first day of the bucket it was summed into. */
  day: string;
  dim: string;
  value: number;
}

/**
 * What the daily rollup counts, from the platform database: `agent_units` (dim: the agent; refunds
 * count -1 on the day they were given back), `workflow_units`, and `security` events from the
 * audit trail (dim: `<action> <path>`, the path where the entry records one).
 */
export type DailyMetric = 'agent_units' | 'workflow_units' | 'security';

/** The audit actions the security section counts: failed sign-ins, refusals, rate limiting. */
const SECURITY_ACTIONS = `(action IN ('auth.login.failure', 'ratelimit.exceeded') OR action LIKE '%.refused')`;

/**
 * The raw rows of [from, to) counted per day, metric and dimension: the one query the rollup
 * stores (for closed days) and the analytics read run (for days the rollup has not closed yet).
 */
export function countedDays(
  orgId: string,
  from: Date,
  to: Date,
): { sql: string; bindings: Array<string | Date> } {
  return {
    sql: `
      SELECT CASE kind WHEN 'agent_executions' THEN 'agent_units' ELSE 'workflow_units' END AS metric,
             (created_at AT TIME ZONE 'UTC')::date AS day,
             CASE kind WHEN 'agent_executions' THEN split_part(key, ':', 2) ELSE '' END AS dim,
             sum(units)::bigint AS value
      FROM usage_ledger WHERE org_id = ? AND created_at >= ? AND created_at < ?
      GROUP BY 1, 2, 3
      UNION ALL
      SELECT 'security', (at AT TIME ZONE 'UTC')::date, action || ' ' || coalesce(detail->>'path', ''), count(*)
      FROM audit_log WHERE org_id = ? AND at >= ? AND at < ? AND ${SECURITY_ACTIONS}
      GROUP BY 1, 2, 3`,
    bindings: [orgId, from, to, orgId, from, to],
  };
}

/** The first day anything was counted for the organization, or undefined when nothing was. */
export async function firstCountedDay(trx: Knex.Transaction, orgId: string): Promise<Date | undefined> {
  const result = await trx.raw<{ rows: Array<{ first: Date | null }> }>(
    `SELECT least(
       (SELECT min(created_at) FROM usage_ledger WHERE org_id = ?),
       (SELECT min(at) FROM audit_log WHERE org_id = ? AND ${SECURITY_ACTIONS})) AS first`,
    [orgId, orgId],
  );
  const first = result.rows[0]?.first;
  return first ? new Date(`${dayKey(first)}T00:00:00Z`) : undefined;
}

/**
 * The rows of [from, to) summed per bucket (`day`, `week` or `month`, by their first day): stored
 * days up to `closedThrough` (inclusive), counted from the raw rows after it.
 */
export async function readDaily(
  trx: Knex.Transaction,
  orgId: string,
  range: { from: Date; to: Date; granularity: string },
  closedThrough: Date | undefined,
): Promise<DailyRow[]> {
  const split = closedThrough
    ? new Date(
        Math.min(Math.max(closedThrough.getTime() + 86_400_000, range.from.getTime()), range.to.getTime()),
      )
    : range.from;
  const live = countedDays(orgId, split, range.to);
  const result = await trx.raw<{
    rows: Array<{ metric: DailyMetric; day: string; dim: string; value: string }>;
  }>(
    `SELECT metric, to_char(date_trunc(?, day::timestamp), 'YYYY-MM-DD') AS day, dim, sum(value)::bigint AS value
     FROM (
       SELECT metric, day, dim, value FROM analytics_daily WHERE org_id = ? AND day >= ? AND day < ?
       UNION ALL ${live.sql}
     ) AS counted GROUP BY 1, 2, 3 ORDER BY 2, 1, 3`,
    [range.granularity, orgId, dayKey(range.from), dayKey(split), ...live.bindings],
  );
  return result.rows.map((row) => ({ ...row, value: Number(row.value) }));
}
