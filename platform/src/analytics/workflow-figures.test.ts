import type { WorkflowRunStatus } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { analyticsRange } from './range.ts';
import { percentile, workflowFigures } from './workflow-figures.ts';

const run = (
  template: string,
  created: string,
  phase?: WorkflowRunStatus['phase'],
  startedAt?: string,
  finishedAt?: string,
) => ({
  metadata: { creationTimestamp: created },
  spec: { template, environment: 'staging', requestedBy: 'someone' },
  status: phase === undefined ? undefined : { phase, startedAt, finishedAt },
});

describe('workflow figures', () => {
  it('interpolates percentiles as percentile_cont does', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0.95)).toBe(48);
  });

  it('counts runs of the range by bucket, template and outcome, and times the finished ones', () => {
    const range = analyticsRange({ from: '2026-03-01', to: '2026-03-10', granularity: 'week' }, new Date());
    const runs = [
      run('cost', '2026-03-02T10:00:00Z', 'Succeeded', '2026-03-02T10:00:10Z', '2026-03-02T10:01:10Z'),
      run('cost', '2026-03-03T10:00:00Z', 'Failed', '2026-03-03T10:00:00Z', '2026-03-03T10:00:30Z'),
      run('cost', '2026-03-09T10:00:00Z', 'Succeeded', undefined, '2026-03-09T10:02:00Z'),
      run('health', '2026-03-01T23:59:59Z'),
      run('health', '2026-03-04T00:00:00Z', 'Running', '2026-03-04T00:00:01Z'),
      // Outside the range, on either side.
      run('cost', '2026-02-28T23:59:59Z', 'Succeeded', undefined, '2026-03-01T00:00:00Z'),
      run('cost', '2026-03-11T00:00:00Z', 'Succeeded', undefined, '2026-03-11T00:01:00Z'),
    ];
    const figures = workflowFigures(runs, range);
    expect(figures.usage).toEqual([
      { bucket: '2026-02-23', template: 'health', outcome: 'Pending', runs: 1 },
      { bucket: '2026-03-02', template: 'cost', outcome: 'Failed', runs: 1 },
      { bucket: '2026-03-02', template: 'cost', outcome: 'Succeeded', runs: 1 },
      { bucket: '2026-03-02', template: 'health', outcome: 'Running', runs: 1 },
      { bucket: '2026-03-09', template: 'cost', outcome: 'Succeeded', runs: 1 },
    ]);
    // Durations 60 s, 30 s and 120 s (from creation when the run never started a step).
    expect(figures.performance).toEqual([
      {
        template: 'cost',
        runs: 3,
        succeeded: 2,
        success_rate: 2 / 3,
        duration_ms: { p50: 60_000, p95: 114_000 },
      },
    ]);
  });
});
