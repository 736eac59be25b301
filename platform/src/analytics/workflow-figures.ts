import type { WorkflowRun } from '@guardian/crds/generated';
import type { z } from 'zod';
import type { PerformanceSection, UsageSection } from '../contract/analytics.ts';
import { type AnalyticsRange, bucketOf, dayKey } from './range.ts';

type RunLike = Pick<WorkflowRun, 'spec' | 'status'> & { metadata?: { creationTimestamp?: string } };
const FINISHED = new Set(['Succeeded', 'Failed', 'Rejected', 'Cancelled']);

/** The p-th percentile (0..1) of `values`, interpolated as Postgres' percentile_cont; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = p * (sorted.length - 1);
  const low = Math.floor(at);
  const lower = sorted[low] ?? 0;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)] ?? lower;
  return lower + (upper - lower) * (at - low);
}

/**
 * Workflow runs created in the range, from the WorkflowRuns that exist: per bucket, template and
 * phase (outcome); and per template, of the finished ones, the success rate and the duration from
 * the first step's start (or creation) to the end.
 */
export function workflowFigures(
  runs: readonly RunLike[],
  range: AnalyticsRange,
): {
  usage: z.infer<typeof UsageSection>['workflows'];
  performance: z.infer<typeof PerformanceSection>['workflows'];
} {
  const counts = new Map<string, { bucket: string; template: string; outcome: string; runs: number }>();
  const finished = new Map<string, { runs: number; succeeded: number; durations: number[] }>();
  for (const run of runs) {
    const created = new Date(run.metadata?.creationTimestamp ?? '');
    if (!(created >= range.from && created < range.to)) continue;
    const template = run.spec.template;
    const outcome = run.status?.phase ?? 'Pending';
    const bucket = dayKey(bucketOf(created, range.granularity));
    const key = `${bucket} ${template} ${outcome}`;
    const entry = counts.get(key) ?? { bucket, template, outcome, runs: 0 };
    entry.runs++;
    counts.set(key, entry);
    if (!FINISHED.has(outcome)) continue;
    const stats = finished.get(template) ?? { runs: 0, succeeded: 0, durations: [] };
    stats.runs++;
    if (outcome === 'Succeeded') stats.succeeded++;
    const start = Date.parse(run.status?.startedAt ?? '') || created.getTime();
    const end = Date.parse(run.status?.finishedAt ?? '');
    if (Number.isFinite(end)) stats.durations.push(Math.max(0, end - start));
    finished.set(template, stats);
  }
  const byKey = (a: { bucket: string; template: string; outcome: string }, b: typeof a) =>
    a.bucket.localeCompare(b.bucket) ||
    a.template.localeCompare(b.template) ||
    a.outcome.localeCompare(b.outcome);
  return {
    usage: [...counts.values()].sort(byKey),
    performance: [...finished]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([template, { runs: finishedRuns, succeeded, durations }]) => ({
        template,
        runs: finishedRuns,
        succeeded,
        success_rate: succeeded / finishedRuns,
        duration_ms: { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95) },
      })),
  };
}
