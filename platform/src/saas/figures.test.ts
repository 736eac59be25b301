import { describe, expect, it } from 'vitest';
import { cents, monthsBetween, type PlanPrice, saasFigures } from './figures.ts';
import { type SubscriptionEntry, SubscriptionHistory } from './history.ts';

// A hand-computed fixture: every figure below was worked out on paper from these entries.
const entry = (
  orgId: string,
  at: string,
  action: string,
  fields: { plan?: string; createdAt?: string } = {},
) => ({ orgId, at: new Date(at), action, ...fields }) satisfies SubscriptionEntry;

const entries: SubscriptionEntry[] = [
  // a: starter since before the window, professional from mid-February (expansion 250).
  entry('a', '2025-12-10T09:00:00Z', 'organization.created', { plan: 'starter' }),
  entry('a', '2026-02-15T12:00:00Z', 'quota.changed', { plan: 'professional' }),
  // b: new in January, suspended in February (churned), resumed in March (reactivation).
  entry('b', '2026-01-05T00:00:00Z', 'subscription.started', { plan: 'professional' }),
  entry('b', '2026-02-10T00:00:00Z', 'organization.suspension.applied'),
  entry('b', '2026-03-20T00:00:00Z', 'organization.suspension.lifted'),
  // c: created through the API in January, the operator's entry backfilled in March (the same
  // start, counted once); down to starter in March (contraction), scheduled for deletion in April.
  entry('c', '2026-01-20T08:00:00Z', 'organization.created', { plan: 'enterprise' }),
  entry('c', '2026-03-01T00:00:00Z', 'subscription.started', {
    plan: 'enterprise',
    createdAt: '2026-01-20T08:00:00Z',
  }),
  entry('c', '2026-03-03T00:00:00Z', 'quota.changed', { plan: 'starter' }),
  entry('c', '2026-04-02T00:00:00Z', 'organization.deletion.scheduled'),
  // d: left before the window, came back in January (reactivation), deleted at February's end.
  entry('d', '2025-11-01T00:00:00Z', 'subscription.started', { plan: 'starter' }),
  entry('d', '2025-12-15T00:00:00Z', 'organization.deletion.scheduled'),
  entry('d', '2026-01-10T00:00:00Z', 'organization.deletion.cancelled'),
  entry('d', '2026-02-28T23:59:00Z', 'organization.deleted'),
  entry('d', '2026-03-05T00:00:00Z', 'organization.suspension.lifted'),
  // e: on a plan without a price; f: on a plan priced in euros, from April's first instant.
  entry('e', '2026-02-01T00:00:00Z', 'subscription.started', { plan: 'custom' }),
  entry('f', '2026-04-01T00:00:00Z', 'subscription.started', { plan: 'euro' }),
];

const prices = new Map<string, PlanPrice>([
  ['starter', { cents: 4900, currency: 'USD' }],
  ['professional', { cents: 29900, currency: 'USD' }],
  ['enterprise', { cents: 149900, currency: 'USD' }],
  ['euro', { cents: 10000, currency: 'EUR' }],
]);

const figures = saasFigures({
  history: new SubscriptionHistory(entries),
  prices,
  spend: [
    { month: '2026-01', cents: 359600, currency: 'USD' },
    { month: '2026-02', cents: 50000, currency: 'USD' },
    { month: '2026-01', cents: 99900, currency: 'EUR' },
  ],
  from: '2026-01',
  to: '2026-04',
});
const usd = figures.figures.find((f) => f.currency === 'USD');
const eur = figures.figures.find((f) => f.currency === 'EUR');

describe('SaaS figures', () => {
  it('computes MRR and its movements per month, with plan changes mid-month and reactivations', () => {
    const pick = (keys: (keyof NonNullable<typeof usd>['months'][number])[]) =>
      usd?.months.map((month) => Object.fromEntries(keys.map((key) => [key, month[key]])));
    expect(
      pick(['month', 'mrr', 'accounts', 'new', 'expansion', 'contraction', 'churned', 'reactivation']),
    ).toEqual([
      {
        month: '2026-01',
        mrr: 1896,
        accounts: 4,
        new: 1798,
        expansion: 0,
        contraction: 0,
        churned: 0,
        reactivation: 49,
      },
      {
        month: '2026-02',
        mrr: 1798,
        accounts: 2,
        new: 0,
        expansion: 250,
        contraction: 0,
        churned: 348,
        reactivation: 0,
      },
      {
        month: '2026-03',
        mrr: 647,
        accounts: 3,
        new: 0,
        expansion: 0,
        contraction: 1450,
        churned: 0,
        reactivation: 299,
      },
      {
        month: '2026-04',
        mrr: 598,
        accounts: 2,
        new: 0,
        expansion: 0,
        contraction: 0,
        churned: 49,
        reactivation: 0,
      },
    ]);
  });

  it('computes ARPA, net revenue retention and CAC per month', () => {
    expect(
      usd?.months.map((m) => [m.month, m.arpa, m.nrr, m.new_accounts, m.acquisition_spend, m.cac]),
    ).toEqual([
      ['2026-01', 474, 1, 2, 3596, 1798],
      ['2026-02', 899, 0.9483, 0, 500, null],
      ['2026-03', 215.67, 0.1935, 0, null, null],
      ['2026-04', 299, 0.9243, 0, null, null],
    ]);
  });

  it('computes logo and revenue churn by plan, by the plan at the month’s start', () => {
    const rows = usd?.churn.map((c) => [
      c.month,
      c.plan,
      c.accounts_at_start,
      c.churned_accounts,
      c.logo_rate,
      c.mrr_at_start,
      c.mrr_lost,
      c.revenue_rate,
    ]);
    expect(rows).toEqual([
      ['2026-01', 'starter', 1, 0, 0, 49, 0, 0],
      ['2026-02', 'starter', 2, 1, 0.5, 98, 49, 0.5],
      ['2026-02', 'professional', 1, 1, 1, 299, 299, 1],
      ['2026-02', 'enterprise', 1, 0, 0, 1499, 0, 0],
      ['2026-03', 'professional', 1, 0, 0, 299, 0, 0],
      ['2026-03', 'enterprise', 1, 0, 0, 1499, 1450, 0.9673],
      ['2026-04', 'professional', 2, 0, 0, 598, 0, 0],
      ['2026-04', 'starter', 1, 1, 1, 49, 49, 1],
    ]);
  });

  it('figures each currency apart, and names plans without a price', () => {
    expect(figures.figures.map((f) => f.currency)).toEqual(['EUR', 'USD']);
    expect(eur?.months.map((m) => [m.month, m.mrr, m.new, m.acquisition_spend, m.cac])).toEqual([
      ['2026-01', 0, 0, 999, null],
      ['2026-02', 0, 0, null, null],
      ['2026-03', 0, 0, null, null],
      ['2026-04', 100, 100, null, null],
    ]);
    expect(figures.unpriced_plans).toEqual(['custom']);
  });

  it('reads decimal prices to the cent and enumerates months across a year’s end', () => {
    expect([cents('49'), cents('49.5'), cents('49.05'), cents('0')]).toEqual([4900, 4950, 4905, 0]);
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
  });
});
