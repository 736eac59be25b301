// Per-tenant analytics against the real stack: usage and security counted from the usage ledger
// and the audit trail, the same before and after the daily rollup stores them (and after a rollup
// that stopped halfway resumes); the plan's advancedAnalytics gate; quota thresholds audited once
// per period; refused queries; and two `guardian platform` processes running each rollup tick once.

import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsJob } from '../../platform/src/analytics/job.ts';
import { addDays, dayKey, startOfDay } from '../../platform/src/analytics/range.ts';
import { rollupOrganization, rollupStep } from '../../platform/src/analytics/rollup.ts';
import { AuditLog } from '../../platform/src/audit/AuditLog.ts';
import { checkpointKey } from '../../platform/src/audit/hash.ts';
import { connect } from '../../platform/src/db.ts';
import { consume, currentPeriod } from '../../platform/src/quota/index.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import {
  Browser,
  organization,
  platformKubeconfig,
  quotaPolicy,
  startPlatformProcess,
  withToken,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { encryptionKey, stackEnv } from '../support/stack.ts';

interface Analytics {
  range: { from: string; to: string; granularity: string; buckets: string[] };
  usage: {
    agents: Array<{ bucket: string; agent: string; category: string | null; units: number }>;
    workflow_units: Array<{ bucket: string; units: number }>;
    workflows: unknown[];
  };
  quota: Record<
    string,
    { limit: number | null; used: number | null; utilization: number | null; forecast: number | null }
  >;
  cost: Record<string, unknown>;
  performance: Record<string, unknown>;
  security: {
    failed_sign_ins: number;
    refused_approvals: number;
    refused: Array<{ status: number; route: string; count: number }>;
    series: unknown[];
  };
  history: { periods: unknown[] };
}

const DAY_MS = 86_400_000;

describe('analytics: GET /tenants/organizations/{org_id}/analytics', () => {
  const fullPlan = quotaPolicy(uniqueName('it-an-full'), {
    workflowsPerMonth: 10,
    features: { advancedAnalytics: 'full' },
  });
  const basicPlan = quotaPolicy(uniqueName('it-an-basic'), { features: { advancedAnalytics: 'basic' } });
  const owners = [{ kind: 'User', name: 'carol@startupco.io' }];
  const full = organization(uniqueName('it-an'), { plan: fullPlan.metadata.name, owners });
  const basic = organization(uniqueName('it-an'), { plan: basicPlan.metadata.name, owners });
  const quotas = organization(uniqueName('it-an'), { plan: fullPlan.metadata.name, owners });
  const ticking = organization(uniqueName('it-an'), { plan: basicPlan.metadata.name, owners });
  const api = platformSuite({
    plans: [fullPlan, basicPlan],
    organizations: [full, basic, quotas, ticking],
  });
  const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
  const today = startOfDay(new Date());
  const daysAgo = (n: number, hour = 12) => new Date(today.getTime() - n * DAY_MS + hour * 3_600_000);
  let carol: Browser;

  const get = async (orgId: string, query = '') =>
    withToken(api.url, `/tenants/organizations/${orgId}/analytics${query}`, await carol.token(orgId));
  const auditAt = (at: Date) =>
    new AuditLog({
      db,
      key: checkpointKey(Buffer.from(encryptionKey(), 'base64')),
      clock: { now: () => at.getTime(), setTimeout, clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    });
  const stored = (orgId: string) =>
    withTenant(db, { orgId }, async (trx) => ({
      rows: Number(
        ((await trx('analytics_daily').where({ org_id: orgId }).count('* as n')) as [{ n: string }])[0].n,
      ),
      cursor: (
        (await trx('analytics_cursors').where({ org_id: orgId }).first('done_through')) as
          | { done_through: Date }
          | undefined
      )?.done_through,
    }));

  beforeAll(async () => {
    carol = new Browser(api.url);
    expect((await carol.login('carol@startupco.io')).status).toBe(200);
    // 90 days of usage and security events for `full`: a unit of cost-estimator every day, a refund
    // of one every tenth day, two workflows every third day; a failed sign-in, a refused token on
    // /workflows, a refused approval and a rate limiting on some days.
    const id = full.metadata.name;
    const org = api.platform.directory.get(id);
    if (!org) throw new Error('the organization is not known');
    for (let n = 90; n >= 0; n--) {
      const at = daysAgo(n);
      const period = currentPeriod(org, at).key;
      const run = randomUUID();
      await consume(db, id, 'agent_executions', `${run}:cost-estimator`, null, period, at);
      if (n % 10 === 0) {
        await withTenant(db, { orgId: id }, (trx) =>
          trx('usage_ledger').insert({
            org_id: id,
            kind: 'agent_executions',
            key: `${run}:cost-estimator:refund`,
            period,
            created_at: at,
            units: -1,
          }),
        );
      }
      if (n % 3 === 0) {
        for (let i = 0; i < 2; i++) await consume(db, id, 'workflows', randomUUID(), null, period, at);
      }
      if (n % 7 === 0) {
        const audit = auditAt(at);
        await audit.append({
          orgId: id,
          actor: 'anonymous',
          action: 'auth.login.failure',
          detail: { ip: '203.0.113.9' },
        });
        await audit.append({
          orgId: id,
          actor: 'anonymous',
          action: 'auth.refused',
          detail: { reason: 'bad_token', path: '/workflows' },
        });
        await audit.append({ orgId: id, actor: 'u1', action: 'workflow.approval.refused', target: 'wf-1' });
        await audit.append({ orgId: id, actor: 'u1', action: 'ratelimit.exceeded', detail: { limit: 10 } });
        // Not a security event.
        await audit.append({ orgId: id, actor: 'u1', action: 'team.created', target: 'web' });
      }
    }
  });
  afterAll(() => db.destroy());

  it('counts usage and security events over the range, the same from raw rows, stored days and a resumed rollup', async () => {
    const id = full.metadata.name;
    const query = `?from=${dayKey(daysAgo(59))}&to=${dayKey(today)}&granularity=week`;
    const before = await get(id, query);
    expect(before.status, before.text).toBe(200);
    const body = before.body as Analytics;
    expect(body.range).toMatchObject({ from: dayKey(daysAgo(59)), to: dayKey(today), granularity: 'week' });
    expect(body.range.buckets.length).toBeGreaterThanOrEqual(9);
    // 60 days of one unit, minus the refunds on days 0, 10, ..., 50.
    const units = body.usage.agents.reduce((sum, row) => sum + row.units, 0);
    expect(units).toBe(60 - 6);
    expect(new Set(body.usage.agents.map((row) => row.agent))).toEqual(new Set(['cost-estimator']));
    expect(body.usage.agents[0]?.category).toBe('cost');
    expect(body.usage.workflow_units.reduce((sum, row) => sum + row.units, 0)).toBe(2 * 20);
    // Days 0, 7, ..., 56: nine of each.
    expect(body.security).toMatchObject({ failed_sign_ins: 9, refused_approvals: 9 });
    expect(body.security.refused).toEqual([
      { status: 401, route: '/workflows', count: 9 },
      { status: 403, route: 'workflow.approval.refused', count: 9 },
      { status: 429, route: 'rate limit', count: 9 },
    ]);
    expect(body.history.periods.length).toBe(6);
    expect(await stored(id)).toEqual({ rows: 0, cursor: undefined });

    // One step of the rollup, as if the job died after it: 31 days stored, the cursor after them.
    await rollupStep(db, id, new Date());
    const halfway = await stored(id);
    expect(dayKey(halfway.cursor ?? new Date(0))).toBe(dayKey(daysAgo(90 - 30)));
    expect((await get(id, query)).body).toEqual(body);
    // The next run resumes there and stops at yesterday; the answer stays the same.
    await rollupOrganization(db, id, new Date());
    const done = await stored(id);
    expect(dayKey(done.cursor ?? new Date(0))).toBe(dayKey(addDays(today, -1)));
    // Per day before today (90): a cost-estimator row, a workflow row every third, four security rows every seventh.
    expect(done.rows).toBe(90 + 30 + 4 * 12);
    expect((await get(id, query)).body).toEqual(body);
    // Running it again changes nothing.
    await rollupOrganization(db, id, new Date());
    expect(await stored(id)).toEqual(done);
    expect((await get(id, query)).body).toEqual(body);
    const monthly = (await get(id, `?from=${dayKey(daysAgo(59))}&to=${dayKey(today)}&granularity=month`))
      .body as Analytics;
    expect(monthly.usage.agents.reduce((sum, row) => sum + row.units, 0)).toBe(units);
    expect(monthly.range.buckets.length).toBeLessThanOrEqual(3);
  });

  it('gives a basic plan usage and quota, and says which plan has the other sections', async () => {
    const answer = await get(basic.metadata.name);
    expect(answer.status, answer.text).toBe(200);
    const body = answer.body as Analytics;
    expect(body.range.buckets).toHaveLength(30);
    expect(body.quota.workflows_per_month).toMatchObject({
      limit: null,
      used: 0,
      utilization: null,
      forecast: 0,
    });
    const plans = api.platform.directory.allPlans();
    for (const section of [body.cost, body.performance, body.security]) {
      expect(section).toEqual({ locked: true, plan: expect.any(String) });
      const named = plans.find((plan) => plan.metadata?.name === (section as { plan: string }).plan);
      expect(named?.spec?.features?.advancedAnalytics).toBe('full');
    }
    // The full plan's organization has them (its tenant database is not provisioned here: empty, with why).
    const fullAnswer = (await get(full.metadata.name)).body as Analytics;
    expect(fullAnswer.cost).toMatchObject({ latest: null, note: expect.stringMatching(/not provisioned/) });
    expect(fullAnswer.performance).toMatchObject({ agents: { runs: 0, success_rate: null }, workflows: [] });
  });

  it('audits a quota at 80% and at 100% once per period, however often the job runs', async () => {
    const id = quotas.metadata.name;
    const org = api.platform.directory.get(id);
    if (!org) throw new Error('the organization is not known');
    const period = currentPeriod(org, new Date());
    const thresholds = () =>
      withTenant(db, { orgId: id }, (trx) =>
        trx('audit_log')
          .where({ org_id: id, action: 'quota.threshold' })
          .orderBy('seq')
          .select('target', 'detail'),
      );
    // The job as the platform runs it, for this organization only (others belong to other suites).
    const job = () =>
      analyticsJob({
        db,
        directory: { list: () => [org] },
        organizations: api.platform.organizations,
        audit: auditAt(new Date()),
        log: pino({ level: 'silent' }),
      })(new Date());
    for (let i = 0; i < 7; i++) await consume(db, id, 'workflows', randomUUID(), 10, period.key);
    await job();
    expect(await thresholds()).toEqual([]);
    await consume(db, id, 'workflows', randomUUID(), 10, period.key);
    await job();
    await job();
    const at80 = await thresholds();
    expect(at80).toEqual([
      {
        target: 'workflows_per_month',
        detail: { quota: 'workflows_per_month', threshold: 80, used: 8, limit: 10, period: period.key },
      },
    ]);
    for (let i = 0; i < 2; i++) await consume(db, id, 'workflows', randomUUID(), 10, period.key);
    await job();
    await job();
    expect((await thresholds()).map((row) => (row.detail as { threshold: number }).threshold)).toEqual([
      80, 100,
    ]);
    const body = (await get(id)).body as Analytics;
    expect(body.quota.workflows_per_month).toMatchObject({ limit: 10, used: 10, utilization: 1 });
    expect(body.quota.workflows_per_month?.forecast).toBeGreaterThanOrEqual(10);
  });

  it('refuses a range that is not days, reversed, too long, or an unknown granularity, naming the field', async () => {
    const id = basic.metadata.name;
    const cases: Array<[string, string]> = [
      ['?from=2026-02-30', 'from'],
      ['?to=yesterday', 'to'],
      ['?from=2026-03-02&to=2026-03-01', 'to'],
      ['?from=2024-01-01&to=2026-01-01', 'from'],
      ['?granularity=hour', 'granularity'],
      ['?periods=0', 'periods'],
      ['?colour=blue', 'colour'],
    ];
    for (const [query, field] of cases) {
      const answer = await get(id, query);
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(
        (answer.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field),
        query,
      ).toContain(field);
    }
    // Positive control: the same route with a valid range.
    expect((await get(id, '?from=2026-03-01&to=2026-03-31&granularity=week')).status).toBe(200);
  });

  it('runs each rollup tick once across two platform processes', async () => {
    const kubeconfig = await platformKubeconfig(api.namespace);
    const env = { ANALYTICS_ROLLUP_INTERVAL_SECONDS: '2' };
    const processes = [
      await startPlatformProcess(kubeconfig, env),
      await startPlatformProcess(kubeconfig, env),
    ];
    try {
      for (const p of processes) {
        await eventually(
          'the platform to be ready',
          async () => (await fetch(`${p.url}/readyz`).catch(() => undefined))?.status === 200 || undefined,
          60_000,
        );
      }
      const holders = processes.map((p) => `:${p.process.pid}`);
      const ticks = async () =>
        (
          (await db.raw(
            `SELECT tick, holder, finished_at FROM scheduled_job_ticks
             WHERE job = 'analytics-rollup' AND (holder LIKE ? OR holder LIKE ?) ORDER BY tick`,
            holders.map((h) => `%${h}`),
          )) as { rows: Array<{ tick: Date; holder: string; finished_at: Date | null }> }
        ).rows;
      const first = await eventually('a first tick', async () => (await ticks())[0], 30_000);
      // Ten seconds later: the ticks in between each ran once, by one of the two.
      await new Promise((done) => setTimeout(done, 10_000));
      const seen = (await ticks()).filter((t) => t.finished_at !== null);
      const last = seen.at(-1);
      if (!last) throw new Error('no tick finished');
      const expected = (last.tick.getTime() - first.tick.getTime()) / 2_000 + 1;
      expect(seen.length).toBe(expected);
      expect(expected).toBeGreaterThanOrEqual(4);
      expect(new Set(seen.map((t) => t.tick.getTime())).size).toBe(seen.length);
      // And the rollup itself happened: the organization's cursor is at yesterday.
      const id = ticking.metadata.name;
      await consume(db, id, 'workflows', randomUUID(), null, '2000-01-01', daysAgo(3));
      await eventually(
        'the rollup to store the day',
        async () => ((await stored(id)).cursor ? true : undefined),
        30_000,
      );
      expect(dayKey((await stored(id)).cursor ?? new Date(0))).toBe(dayKey(addDays(today, -1)));
    } finally {
      for (const p of processes) await p.stop();
    }
  });
});
