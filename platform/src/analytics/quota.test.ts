import { describe, expect, it } from 'vitest';
import { forecast, reached, withForecasts } from './quota.ts';

const period = {
  key: '2026-03-01',
  start: new Date('2026-03-01T00:00:00Z'),
  end: new Date('2026-04-01T00:00:00Z'),
};

describe('quota forecasts and thresholds', () => {
  it('extrapolates monthly quotas linearly over the period and keeps levels as they are', () => {
    // 10 used in the first 10 of 31 days: 31 by the end.
    const day10 = new Date('2026-03-11T00:00:00Z');
    expect(forecast('workflows_per_month', 10, period, day10)).toBe(31);
    expect(forecast('agent_executions_per_month', 0, period, day10)).toBe(0);
    expect(forecast('team_members', 4, period, day10)).toBe(4);
    expect(forecast('api_calls_per_hour', null, period, day10)).toBeNull();
    // The first minutes count as an hour: 1 unit forecasts 744 (31 × 24), not millions.
    expect(forecast('workflows_per_month', 1, period, new Date('2026-03-01T00:00:05Z'))).toBe(744);
  });

  it('reports utilization, null when unlimited', () => {
    const now = new Date('2026-03-11T00:00:00Z');
    const quotas = withForecasts(
      {
        team_members: { limit: 5, used: 4 },
        agent_executions_per_month: { limit: null, used: 7 },
        workflows_per_month: { limit: 10, used: 10 },
        api_calls_per_hour: { limit: 100, used: null },
      },
      period,
      now,
    );
    expect(quotas.team_members).toEqual({ limit: 5, used: 4, utilization: 0.8, forecast: 4 });
    expect(quotas.agent_executions_per_month.utilization).toBeNull();
    expect(quotas.workflows_per_month).toEqual({ limit: 10, used: 10, utilization: 1, forecast: 31 });
    expect(quotas.api_calls_per_hour).toEqual({ limit: 100, used: null, utilization: null, forecast: null });
  });

  it('reaches 80% and 100% at exactly those uses, never when unlimited', () => {
    expect(reached(10, 7)).toEqual([]);
    expect(reached(10, 8)).toEqual([80]);
    expect(reached(10, 9)).toEqual([80]);
    expect(reached(10, 10)).toEqual([80, 100]);
    expect(reached(5, 4)).toEqual([80]);
    expect(reached(null, 1000)).toEqual([]);
    expect(reached(10, null)).toEqual([]);
  });
});
