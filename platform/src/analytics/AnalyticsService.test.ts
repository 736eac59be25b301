import type { QuotaPolicy } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { cheapestFullPlan, securityFigures } from './AnalyticsService.ts';

const plan = (
  name: string,
  advancedAnalytics: 'basic' | 'full' | undefined,
  agentExecutionsPerMonth?: number,
  monthly?: string,
): QuotaPolicy => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'QuotaPolicy',
  metadata: { name },
  spec: {
    agentExecutionsPerMonth,
    features: advancedAnalytics ? { advancedAnalytics } : {},
    ...(monthly ? { price: { monthly } } : {}),
  },
});

describe('analytics sections', () => {
  it('names the plan with full analytics and the lowest limits, unlimited last', () => {
    expect(
      cheapestFullPlan([
        plan('starter', 'basic', 100),
        plan('enterprise', 'full'),
        plan('professional', 'full', 1000),
        plan('default', undefined, 10),
      ]),
    ).toBe('professional');
    expect(cheapestFullPlan([plan('enterprise', 'full'), plan('custom', 'full')])).toBe('custom');
    expect(cheapestFullPlan([plan('starter', 'basic', 100)])).toBeNull();
  });

  it('prefers the lowest price where plans have one, whatever their limits', () => {
    expect(
      cheapestFullPlan([
        plan('big', 'full', 1000, '1499'),
        plan('unpriced', 'full', 10),
        plan('small', 'full', 100_000, '299.50'),
      ]),
    ).toBe('small');
  });

  it('sorts audit counts into failed sign-ins, refusals by status and route, and refused approvals', () => {
    const row = (day: string, dim: string, value: number) => ({
      metric: 'security' as const,
      day,
      dim,
      value,
    });
    const figures = securityFigures([
      row('2026-03-01', 'auth.login.failure ', 3),
      row('2026-03-01', 'auth.refused /workflows', 2),
      row('2026-03-02', 'auth.refused /workflows', 1),
      row('2026-03-02', 'workflow.approval.refused ', 4),
      row('2026-03-02', 'ratelimit.exceeded ', 5),
      { metric: 'agent_units', day: '2026-03-02', dim: 'cost-estimator', value: 9 },
    ]);
    expect(figures).toEqual({
      failed_sign_ins: 3,
      refused_approvals: 4,
      refused: [
        { status: 429, route: 'rate limit', count: 5 },
        { status: 403, route: 'workflow.approval.refused', count: 4 },
        { status: 401, route: '/workflows', count: 3 },
      ],
      series: [
        { bucket: '2026-03-01', failed_sign_ins: 3, refused: 2 },
        { bucket: '2026-03-02', failed_sign_ins: 0, refused: 10 },
      ],
    });
  });
});
