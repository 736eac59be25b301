import { z } from 'zod';
import { GRANULARITIES } from '../analytics/range.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a day, YYYY-MM-DD' });
const bucket = day.describe('The first day of the bucket (YYYY-MM-DD, UTC)');
const rate = z.number().min(0).max(1).nullable().describe('Between 0 and 1; null when nothing ran');
const percentiles = z
  .strictObject({ p50: z.number().nullable(), p95: z.number().nullable() })
  .describe('Milliseconds; null when nothing finished');

/** The query fields analytics adds to `periods`. */
export const AnalyticsRangeQuery = {
  from: day.optional().describe('The first day (UTC) of the range; default: 29 days before `to`'),
  to: day.optional().describe('The last day (UTC) of the range, included; default: today'),
  granularity: z.enum(GRANULARITIES).default('day').describe('The size of the buckets figures are summed in'),
};

/** What a plan without `advancedAnalytics: full` sees in place of a section. */
export const LockedSection = z.strictObject({
  locked: z.literal(true),
  plan: z
    .string()
    .nullable()
    .describe('The cheapest plan of this installation that has the section; null: none'),
});

export const AnalyticsRange = z.strictObject({
  from: day,
  to: day.describe('Included'),
  granularity: z.enum(GRANULARITIES),
  buckets: z.array(bucket).describe('Every bucket of the range, oldest first'),
});

export const UsageSection = z.strictObject({
  agents: z
    .array(
      z.strictObject({ bucket, agent: z.string(), category: z.string().nullable(), units: z.number().int() }),
    )
    .describe(
      'Agent units counted (refunds subtracted) per bucket and agent; buckets without any are left out',
    ),
  workflows: z
    .array(z.strictObject({ bucket, template: z.string(), outcome: z.string(), runs: z.number().int() }))
    .describe(
      'WorkflowRuns created per bucket, by template and phase (outcome), of the runs that still exist',
    ),
  workflow_units: z
    .array(z.strictObject({ bucket, units: z.number().int() }))
    .describe('Workflows counted in the usage ledger per bucket (every run, deleted ones included)'),
});

const Money = z.number().describe('Per month, in the currency');
export const CostSection = z.strictObject({
  currency: z.string().nullable(),
  series: z
    .array(
      z.strictObject({
        bucket,
        monthly_total: Money,
        by_environment: z.array(z.strictObject({ environment: z.string(), monthly: Money })),
      }),
    )
    .describe('The monthly estimate per bucket: each environment’s last cost run in the bucket'),
  latest: z
    .strictObject({
      monthly_total: Money,
      by_environment: z.array(z.strictObject({ environment: z.string(), monthly: Money })),
      by_workload: z.array(
        z.strictObject({ environment: z.string(), kind: z.string(), name: z.string(), monthly: Money }),
      ),
      by_team: z.array(z.strictObject({ team: z.string(), monthly: Money })),
    })
    .nullable()
    .describe('Each environment’s last cost run in the range, summed'),
  change: z
    .strictObject({
      previous: Money.nullable().describe(
        'The estimate before the range began (each environment’s last run)',
      ),
      current: Money.nullable(),
      delta: Money.nullable(),
      percent: z.number().nullable(),
    })
    .describe('The change since the previous period'),
  remediation: z.strictObject({
    applied: z.number().int().describe('Objects remediation changed in the range (not reverted since)'),
    reverted: z.number().int(),
    series: z.array(z.strictObject({ bucket, applied: z.number().int() })),
  }),
  note: z.string(),
});

export const PerformanceSection = z.strictObject({
  agents: z.strictObject({
    runs: z.number().int(),
    succeeded: z.number().int(),
    success_rate: rate,
    duration_ms: percentiles,
  }),
  workflows: z.array(
    z.strictObject({
      template: z.string(),
      runs: z.number().int().describe('Finished runs'),
      succeeded: z.number().int(),
      success_rate: rate,
      duration_ms: percentiles,
    }),
  ),
  note: z.string(),
});

export const SecuritySection = z.strictObject({
  failed_sign_ins: z.number().int(),
  refused_approvals: z.number().int(),
  refused: z
    .array(
      z.strictObject({
        status: z.union([z.literal(401), z.literal(403), z.literal(429)]),
        route: z.string().describe('The path (401), the refused action (403), or `rate limit` (429)'),
        count: z.number().int(),
      }),
    )
    .describe('Refused requests from the audit trail, most first'),
  series: z.array(z.strictObject({ bucket, failed_sign_ins: z.number().int(), refused: z.number().int() })),
  note: z.string(),
});

export const QuotaForecast = {
  utilization: z.number().nullable().describe('used / limit; null when unlimited or not metered'),
  forecast: z
    .number()
    .nullable()
    .describe(
      'Monthly quotas: what the period will have used at its end at the rate so far (used × period length / time elapsed, at least an hour); others: used',
    ),
};
