import type { Knex } from 'knex';
import type { z } from 'zod';
import type { CostSection, PerformanceSection } from '../contract/analytics.ts';
import type { AnalyticsRange } from './range.ts';

type Cost = z.infer<typeof CostSection>;
type AgentPerformance = z.infer<typeof PerformanceSection>['agents'];

/** A cost run's breakdown as the tenant database stores it (agent_runs.cost). */
interface StoredCost {
  currency: string;
  monthly_total: number;
  by_workload: Array<{ kind: string; name: string; monthly: number }>;
  by_team: Array<{ team: string; monthly: number }>;
}

const bucketSql = (column: string) => `to_char(date_trunc(?, ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
const round = (value: number) => Math.round(value * 100) / 100;

/** Agent runs of the range: how many, how many succeeded, and their durations' p50 and p95. */
export async function agentPerformance(db: Knex, range: AnalyticsRange): Promise<AgentPerformance> {
  const result = await db.raw<{
    rows: Array<{ runs: number; succeeded: number; p50: number | null; p95: number | null }>;
  }>(
    `SELECT count(*)::int AS runs, (count(*) FILTER (WHERE status = 'succeeded'))::int AS succeeded,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
     FROM agent_runs WHERE created_at >= ? AND created_at < ?`,
    [range.from, range.to],
  );
  const row = result.rows[0] ?? { runs: 0, succeeded: 0, p50: null, p95: null };
  return {
    runs: row.runs,
    succeeded: row.succeeded,
    success_rate: row.runs === 0 ? null : row.succeeded / row.runs,
    duration_ms: { p50: row.p50, p95: row.p95 },
  };
}

/**
 * The cost runs' monthly estimate over the range: per bucket, each environment's last cost run in
 * it; the latest of each environment in the range, with its workloads and teams; and the change
 * from each environment's last run before the range.
 */
export async function costFigures(
  db: Knex,
  range: AnalyticsRange,
): Promise<Omit<Cost, 'remediation' | 'note'>> {
  const inRange = await db.raw<{ rows: Array<{ bucket: string; environment: string; cost: StoredCost }> }>(
    `SELECT DISTINCT ON (1, environment) ${bucketSql('created_at')} AS bucket, environment, cost
     FROM agent_runs WHERE cost IS NOT NULL AND created_at >= ? AND created_at < ?
     ORDER BY 1, environment, created_at DESC`,
    [range.granularity, range.from, range.to],
  );
  const before = await db.raw<{ rows: Array<{ environment: string; cost: StoredCost }> }>(
    `SELECT DISTINCT ON (environment) environment, cost FROM agent_runs
     WHERE cost IS NOT NULL AND created_at < ? ORDER BY environment, created_at DESC`,
    [range.from],
  );
  const series = new Map<string, Cost['series'][number]>();
  const latest = new Map<string, StoredCost>();
  for (const { bucket, environment, cost } of inRange.rows) {
    const entry = series.get(bucket) ?? { bucket, monthly_total: 0, by_environment: [] };
    entry.monthly_total = round(entry.monthly_total + cost.monthly_total);
    entry.by_environment.push({ environment, monthly: cost.monthly_total });
    series.set(bucket, entry);
    latest.set(environment, cost);
  }
  const total = (costs: Iterable<StoredCost>) =>
    round([...costs].reduce((sum, c) => sum + c.monthly_total, 0));
  const environments = [...latest].sort(([a], [b]) => a.localeCompare(b));
  const teams = new Map<string, number>();
  for (const [, cost] of environments) {
    for (const { team, monthly } of cost.by_team) teams.set(team, round((teams.get(team) ?? 0) + monthly));
  }
  const previous = before.rows.length === 0 ? null : total(before.rows.map((row) => row.cost));
  const current = latest.size === 0 ? null : total(latest.values());
  const delta = previous === null || current === null ? null : round(current - previous);
  return {
    currency: environments[0]?.[1].currency ?? before.rows[0]?.cost.currency ?? null,
    series: [...series.values()],
    latest:
      current === null
        ? null
        : {
            monthly_total: current,
            by_environment: environments.map(([environment, cost]) => ({
              environment,
              monthly: cost.monthly_total,
            })),
            by_workload: environments
              .flatMap(([environment, cost]) => cost.by_workload.map((w) => ({ environment, ...w })))
              .sort((a, b) => b.monthly - a.monthly),
            by_team: [...teams]
              .map(([team, monthly]) => ({ team, monthly }))
              .sort((a, b) => b.monthly - a.monthly),
          },
    change: {
      previous,
      current,
      delta,
      percent: delta === null || !previous ? null : round((delta / previous) * 100),
    },
  };
}

/** What remediation steps changed in the range: objects applied (and not reverted since), reverted. */
export async function remediationFigures(db: Knex, range: AnalyticsRange): Promise<Cost['remediation']> {
  const result = await db.raw<{ rows: Array<{ bucket: string; applied: number; reverted: number }> }>(
    `SELECT ${bucketSql('applied_at')} AS bucket,
            (count(*) FILTER (WHERE status = 'applied'))::int AS applied,
            (count(*) FILTER (WHERE status = 'reverted'))::int AS reverted
     FROM workflow_remediations WHERE applied_at >= ? AND applied_at < ? GROUP BY 1 ORDER BY 1`,
    [range.granularity, range.from, range.to],
  );
  return {
    applied: result.rows.reduce((sum, row) => sum + row.applied, 0),
    reverted: result.rows.reduce((sum, row) => sum + row.reverted, 0),
    series: result.rows.filter((row) => row.applied > 0).map(({ bucket, applied }) => ({ bucket, applied })),
  };
}
