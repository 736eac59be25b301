// GET /admin/metrics/saas: the instance's SaaS figures from the audit trail's subscription entries
// (read through subscription_entries(), as the app role) and the plans' prices; PUT
// /admin/acquisition-spend/{month} for CAC. Every organization of the shared test database is in
// the figures, so this suite prices its plans in a currency of its own and reads only that series.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { monthOf } from '../../platform/src/saas/figures.ts';
import { uniqueName } from '../support/kube.ts';
import { call, quotaPolicy, signedIn } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const currency = Array.from({ length: 3 }, () => letters[Math.floor(Math.random() * 26)]).join('');

describe('SaaS metrics', () => {
  const small = quotaPolicy(uniqueName('it-saas-small'), {
    displayName: 'Small',
    price: { monthly: '100', currency },
  });
  const large = quotaPolicy(uniqueName('it-saas-large'), {
    displayName: 'Large',
    price: { monthly: '250.50', currency },
  });
  const api = platformSuite({ plans: [small, large], organizations: [] });
  const app = connect(stackEnv('DATABASE_URL'), { max: 1 });
  afterAll(() => app.destroy());
  let root: string;
  let owner: string;

  // Months relative to now: the figures run by calendar month (UTC).
  const now = new Date();
  const monthsAgo = (n: number, day = 15) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, day, 12));
  const months = [3, 2, 1, 0].map((n) => monthOf(monthsAgo(n)));
  const [x, y] = [uniqueName('it-saas-x'), uniqueName('it-saas-y')];

  beforeAll(async () => {
    root = await (await signedIn(api.url, 'root@guardian.local')).browser.token();
    owner = await (await signedIn(api.url, 'carol@startupco.io')).browser.token();
    const append = (orgId: string, action: string, detail: Record<string, unknown>) =>
      api.platform.governance.audit.append({
        orgId,
        actor: 'system:operator',
        action,
        target: orgId,
        detail,
      });
    // x: small since three months ago (its entry written now, as the operator backfills), large now.
    await append(x, 'subscription.started', {
      plan: small.metadata.name,
      createdAt: monthsAgo(3).toISOString(),
    });
    await append(x, 'quota.changed', { from: small.metadata.name, to: large.metadata.name });
    // y: large since two months ago, suspended now.
    await append(y, 'subscription.started', {
      plan: large.metadata.name,
      createdAt: monthsAgo(2).toISOString(),
    });
    await append(y, 'organization.suspension.applied', {});
  });

  const metrics = async (query: string, token = root) =>
    call(api.url, 'GET', `/admin/metrics/saas${query}`, token);
  const series = (body: unknown) =>
    (body as { mrr: { currency: string; months: Record<string, unknown>[] }[] }).mrr.find(
      (s) => s.currency === currency,
    )?.months;

  it('computes MRR and its movements from the subscription entries of every organization', async () => {
    const answer = await metrics(`?from=${months[0]}&to=${months[3]}`);
    expect(answer.status, answer.text).toBe(200);
    expect(
      series(answer.body)?.map((m) => [m.month, m.mrr, m.accounts, m.new, m.expansion, m.churned]),
    ).toEqual([
      [months[0], 100, 1, 100, 0, 0],
      [months[1], 350.5, 2, 250.5, 0, 0],
      [months[2], 350.5, 2, 0, 0, 0],
      [months[3], 250.5, 1, 0, 150.5, 250.5],
    ]);
    const churn = (answer.body as { churn: { currency: string; months: Record<string, unknown>[] }[] }).churn
      .find((s) => s.currency === currency)
      ?.months.filter((m) => m.month === months[3]);
    expect(churn?.map((m) => [m.plan, m.accounts_at_start, m.churned_accounts, m.logo_rate])).toEqual([
      [small.metadata.name, 1, 0, 0],
      [large.metadata.name, 1, 1, 1],
    ]);
  });

  it('keeps the chains private: the app role alone still sees no organization’s entries', async () => {
    // Turning the function's own setting on opens nothing to the app role (the policy is the owner's).
    await app.raw("select set_config('guardian.subscriptions', 'on', false)");
    const { rows } = (await app.raw('SELECT count(*)::int AS n FROM audit_log WHERE org_id IN (?, ?)', [
      x,
      y,
    ])) as {
      rows: { n: number }[];
    };
    expect(rows[0]?.n).toBe(0);
    // The function returns the subscription entries only, and of their detail only the plan.
    const entries = (await app.raw('SELECT * FROM subscription_entries() WHERE org_id = ?', [x])) as {
      rows: Record<string, unknown>[];
    };
    expect(entries.rows.map((row) => Object.keys(row).sort())).toEqual([
      ['action', 'at', 'created_at', 'org_id', 'plan'],
      ['action', 'at', 'created_at', 'org_id', 'plan'],
    ]);
  });

  it('records acquisition spend per month and currency, and divides it by the new accounts', async () => {
    const put = await call(api.url, 'PUT', `/admin/acquisition-spend/${months[1]}`, root, {
      amount: '1001',
      currency,
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toEqual({ month: months[1], amount: '1001', currency });
    // A second PUT replaces the first.
    await call(api.url, 'PUT', `/admin/acquisition-spend/${months[1]}`, root, { amount: '501', currency });
    const answer = await metrics(`?from=${months[0]}&to=${months[3]}`);
    expect(series(answer.body)?.map((m) => [m.acquisition_spend, m.cac])).toEqual([
      [null, null],
      [501, 501],
      [null, null],
      [null, null],
    ]);
  });

  it('refuses every invalid input with a problem naming it', async () => {
    const invalid = [
      '?from=2026-13',
      '?to=26-01',
      `?from=${months[3]}&to=${months[0]}`,
      '?from=2020-01&to=2026-01',
      '?month=2026-01',
    ];
    for (const query of invalid) {
      const answer = await metrics(query);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
    const spend = (month: string, body: unknown) =>
      call(api.url, 'PUT', `/admin/acquisition-spend/${month}`, root, body);
    for (const [month, body] of [
      ['2026-1', { amount: '1', currency }],
      [months[0], { amount: '12.345', currency }],
      [months[0], { amount: '-1', currency }],
      [months[0], { amount: '1', currency: 'usd' }],
      [months[0], { amount: 1, currency }],
      [months[0], { amount: '1', currency, note: 'x' }],
    ] as const) {
      expect((await spend(month ?? '', body)).status, JSON.stringify([month, body])).toBe(400);
    }
  });

  it('answers super admins only', async () => {
    expect((await metrics('', owner)).status).toBe(403);
    expect((await metrics('', 'not-a-token')).status).toBe(401);
    const put = await call(api.url, 'PUT', `/admin/acquisition-spend/${months[0]}`, owner, {
      amount: '1',
      currency,
    });
    expect(put.status).toBe(403);
    // The default window: the last twelve months, this one included.
    const answer = await metrics('');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ to: months[3] });
    expect(series(answer.body)).toHaveLength(12);
  });
});
