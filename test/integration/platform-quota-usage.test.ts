import { randomBytes, randomUUID } from 'node:crypto';
import type { Organization } from '@guardian/crds/generated';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import {
  consume,
  currentPeriod,
  recentPeriods,
  seatsUsed,
  usageHistory,
} from '../../platform/src/quota/index.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { uniqueName } from '../support/kube.ts';
import { Browser, organization, quotaPolicy, setMembership, withToken } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

interface Limit {
  limit: number | null;
  used: number | null;
  remaining: number | null;
  note?: string;
}
interface UsageBody {
  org_id: string;
  plan: string;
  period: { start: string; end: string };
  limits: Record<string, Limit>;
  features: { sso: boolean };
}

describe('platform usage: GET /usage', () => {
  const limitedPlan = quotaPolicy(uniqueName('it-plan-usage'), {
    displayName: 'limited',
    agentExecutionsPerMonth: 100,
    workflowsPerMonth: 10,
    apiCallsPerHour: 1000,
    teamMembers: 5,
    concurrentWorkflows: 2,
    features: { sso: true },
  });
  const unlimitedPlan = quotaPolicy(uniqueName('it-plan-usage'), {});
  const limitedOrg = organization(uniqueName('it-usage'), {
    plan: limitedPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const unlimitedOrg = organization(uniqueName('it-usage'), {
    plan: unlimitedPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const orgId = limitedOrg.metadata.name;
  const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
  const api = platformSuite({
    plans: [limitedPlan, unlimitedPlan],
    organizations: [limitedOrg, unlimitedOrg],
  });
  let carol: Browser;
  let carolId: string;

  beforeAll(async () => {
    carol = new Browser(api.url);
    const me = await carol.login('carol@startupco.io');
    expect(me.status).toBe(200);
    carolId = (me.body as { user: { id: string } }).user.id;
  });
  afterAll(() => db.destroy());

  it('reports each limit with what is used and what remains in the current billing period', async () => {
    const token = await carol.token(orgId);
    const org = api.platform.directory.get(orgId);
    if (!org) throw new Error('the organization is not known');
    const period = currentPeriod(org, new Date());
    for (let i = 0; i < 2; i++) await consume(db, orgId, 'workflows', randomUUID(), 10, period.key);
    await consume(db, orgId, 'agent_executions', randomUUID(), 100, period.key);
    // A different period does not count now.
    await consume(db, orgId, 'workflows', randomUUID(), 10, '1999-01-01');

    const first = await withToken(api.url, '/usage', token);
    expect(first.status).toBe(200);
    const body = first.body as UsageBody;
    expect(body).toMatchObject({
      org_id: orgId,
      plan: limitedPlan.metadata.name,
      period: { start: period.start.toISOString(), end: period.end.toISOString() },
    });
    expect(body.limits.workflows_per_month).toEqual({ limit: 10, used: 2, remaining: 8 });
    expect(body.limits.agent_executions_per_month).toEqual({ limit: 100, used: 1, remaining: 99 });
    expect(body.limits.api_calls_per_hour).toEqual({ limit: 1000, used: 1, remaining: 999 });
    expect(body.limits.concurrent_workflows).toEqual({ limit: 2, used: 0, remaining: 2 });
    expect(body.features).toEqual({ sso: true });
    // This suite's platform is not the ServiceAccount operators grant the database Secret to, and no
    // operator runs here: storage is reported as not measured, with why (measured: tenant-database).
    expect(body.limits.storage_gib).toMatchObject({ limit: null, used: null, remaining: null });
    expect(body.limits.storage_gib?.note).toMatch(/^not measured/);
    const second = await withToken(api.url, '/usage', token);
    expect((second.body as UsageBody).limits.api_calls_per_hour).toEqual({
      limit: 1000,
      used: 2,
      remaining: 998,
    });
    expect(second.headers.get('ratelimit-remaining')).toBe('998');
  });

  it('counts seats as distinct members plus pending invitations', async () => {
    const token = await carol.token(orgId);
    const seats = async () =>
      ((await withToken(api.url, '/usage', token)).body as UsageBody).limits.team_members;
    expect(await seats()).toEqual({ limit: 5, used: 0, remaining: 5 });
    await setMembership(orgId, carolId, 'org_owner');
    expect(await seats()).toEqual({ limit: 5, used: 1, remaining: 4 });
    const invite = (email: string, expiresInMs: number, extra: Record<string, unknown> = {}) =>
      withTenant(db, { orgId }, (trx) =>
        trx('invitations').insert({
          id: randomBytes(16).toString('hex'),
          org_id: orgId,
          email,
          role: 'team_member',
          invited_by: carolId,
          expires_at: new Date(Date.now() + expiresInMs),
          ...extra,
        }),
      );
    await invite('dave@startupco.io', 3_600_000);
    await invite('dave@startupco.io', 3_600_000); // invited twice: one seat
    await invite('erin@startupco.io', -1000); // expired
    await invite('frank@startupco.io', 3_600_000, { revoked_at: new Date() });
    expect(await seats()).toEqual({ limit: 5, used: 2, remaining: 3 });
    expect(await seatsUsed(db, orgId)).toBe(2);
  });

  it('reports unlimited limits as null, and needs a credential', async () => {
    const token = await carol.token(unlimitedOrg.metadata.name);
    const answer = await withToken(api.url, '/usage', token);
    expect(answer.status).toBe(200);
    const limits = (answer.body as UsageBody).limits;
    for (const name of ['workflows_per_month', 'agent_executions_per_month', 'team_members', 'storage_gib']) {
      expect(limits[name]).toMatchObject({ limit: null, remaining: null });
    }
    expect(limits.workflows_per_month?.used).toBe(0);
    // A plan without features includes none of them.
    expect((answer.body as UsageBody).features).toEqual({ sso: false });
    expect(answer.headers.get('ratelimit-limit')).toBeNull();
    const anonymous = await fetch(`${api.url}/usage`);
    expect(anonymous.status).toBe(401);
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/usage', '/audit', '/audit/verify']),
    );
    expect(document.paths['/audit']?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['action', 'actor', 'since', 'until', 'before', 'limit']),
    );
  });

  it('reports usage history per billing period and per day in the analytics, counted from the ledger', async () => {
    const id = unlimitedOrg.metadata.name;
    const org = api.platform.directory.get(id);
    if (!org) throw new Error('the organization is not known');
    const now = new Date();
    const periods = recentPeriods(org, now, 8);
    const count = async (kind: 'workflows' | 'agent_executions', index: number, n: number) => {
      const period = periods[index];
      if (!period) throw new Error(`no period ${index}`);
      for (let i = 0; i < n; i++) await consume(db, id, kind, randomUUID(), null, period.key, period.start);
    };
    await count('workflows', 0, 5); // seven periods back: not among the last six
    await count('agent_executions', 2, 1);
    await count('workflows', 4, 3);
    await count('workflows', 7, 2);
    await count('agent_executions', 7, 1);
    const token = await carol.token(id);
    const answer = await withToken(api.url, `/tenants/organizations/${id}/analytics?periods=6`, token);
    expect(answer.status, answer.text).toBe(200);
    const { history, quota } = answer.body as {
      history: {
        periods: Array<{ period: string; start: string; agent_executions: number; workflows: number }>;
        days: Array<{ date: string; agent_executions: number; workflows: number }>;
      };
      quota: { workflows_per_month: { used: number } };
    };
    expect(history.periods.map((p) => [p.period, p.agent_executions, p.workflows])).toEqual(
      periods.slice(2).map((p, i) => [p.key, i === 0 ? 1 : i === 5 ? 1 : 0, i === 2 ? 3 : i === 5 ? 2 : 0]),
    );
    // The current period's total is the figure the monthly limit counts.
    expect(quota.workflows_per_month.used).toBe(2);
    const current = periods[7];
    expect(history.days[0]?.date).toBe(current?.key);
    expect(history.days.at(-1)?.date).toBe(now.toISOString().slice(0, 10));
    expect(history.days[0]).toMatchObject({ workflows: 2, agent_executions: 1 });
    expect(history.days.slice(1).every((day) => day.workflows === 0)).toBe(true);
    const bad = await withToken(api.url, `/tenants/organizations/${id}/analytics?periods=0`, token);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((bad.body as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('periods');
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(document.components.schemas.OrganizationAnalytics?.properties ?? {})).toContain(
      'history',
    );
  });

  it('counts usage per day of the current period by when each key was counted', async () => {
    const id = uniqueName('it-history');
    const org: Organization = {
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Organization',
      metadata: { name: id, creationTimestamp: '2025-01-10T08:00:00Z' },
      spec: { displayName: id, plan: 'none' },
    };
    const counted = async (kind: 'workflows' | 'agent_executions', period: string, at: string) =>
      consume(db, id, kind, randomUUID(), null, period, new Date(at));
    await counted('workflows', '2025-02-10', '2025-02-15T12:00:00Z');
    await counted('workflows', '2025-03-10', '2025-03-10T00:00:00Z');
    await counted('workflows', '2025-03-10', '2025-03-12T09:00:00Z');
    await counted('workflows', '2025-03-10', '2025-03-12T23:59:59Z');
    await counted('agent_executions', '2025-03-10', '2025-03-13T01:00:00Z');
    const history = await usageHistory(db, org, new Date('2025-03-13T12:00:00Z'), 3);
    expect(history.periods.map((p) => [p.period, p.used.workflows, p.used.agent_executions])).toEqual([
      ['2025-01-10', 0, 0],
      ['2025-02-10', 1, 0],
      ['2025-03-10', 3, 1],
    ]);
    expect(history.days.map((d) => [d.date, d.used.workflows, d.used.agent_executions])).toEqual([
      ['2025-03-10', 1, 0],
      ['2025-03-11', 0, 0],
      ['2025-03-12', 2, 0],
      ['2025-03-13', 0, 1],
    ]);
  });
});
