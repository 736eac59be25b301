import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANCE_CHAIN } from '../../platform/src/audit/index.ts';
import { connect, type Knex } from '../../platform/src/db.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import {
  Browser,
  call,
  encryptionKey,
  organization,
  quotaPolicy,
  setMembership,
  signedIn,
  withToken,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}
interface Page {
  entries: Entry[];
  next_before: number | null;
}

const guardian = resolve(import.meta.dirname, '../../bin/guardian.ts');

describe('platform audit: what the API records, GET /audit and guardian audit verify', () => {
  const tinyPlan = quotaPolicy(uniqueName('it-plan-audit'), {
    displayName: 'tiny',
    apiCallsPerHour: 40,
    workflowsPerMonth: 1,
  });
  const ownedByCarol = {
    plan: tinyPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  };
  const org = organization(uniqueName('it-audit'), ownedByCarol);
  const orgId = org.metadata.name;
  const api = platformSuite({ plans: [tinyPlan], organizations: [org], env: { TRUSTED_PROXIES: '1' } });
  let carol: Browser;
  let carolId: string;
  let token: string;
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });

  beforeAll(async () => {
    carol = new Browser(api.url);
    const me = await carol.login('carol@startupco.io', orgId);
    expect(me.status).toBe(200);
    carolId = (me.body as { user: { id: string } }).user.id;
    token = await carol.token(orgId);
  });
  afterAll(() => db.destroy());

  const audit = async (query = '') => {
    const answer = await withToken(api.url, `/audit${query}`, token);
    expect(answer.status).toBe(200);
    return answer.body as Page;
  };

  it('records the login and the token issued, by the user, in the organization’s chain', async () => {
    const page = await audit(`?actor=${carolId}`);
    const actions = page.entries.map((e) => e.action);
    expect(actions).toContain('auth.login.success');
    expect(actions).toContain('auth.token.issued');
    const issued = page.entries.find((e) => e.action === 'auth.token.issued');
    expect(issued?.detail).toMatchObject({ role: 'org_owner' });
    const logins = await audit('?action=auth.login.success');
    expect(logins.entries.every((e) => e.action === 'auth.login.success')).toBe(true);
    expect(logins.entries).toHaveLength(1);
  });

  it('records a failed login in the instance chain', async () => {
    const since = new Date(Date.now() - 1000);
    // A callback no login started (a forged or replayed authorization response).
    const forged = await new Browser(api.url).get('/auth/callback?code=forged&state=forged');
    expect(forged.status).toBe(401);
    const entries = await api.platform.governance.audit.list(INSTANCE_CHAIN, {
      action: 'auth.login.failure',
      since,
      limit: 100,
    });
    expect(entries.entries.some((e) => e.detail.status === 401 && e.actor === 'anonymous')).toBe(true);
  });

  it('takes the client address from the one proxy it trusts, not from what the client claims', async () => {
    const since = new Date(Date.now() - 1000);
    // The client claims 192.0.2.66; the proxy in front (TRUSTED_PROXIES=1) appended what it saw.
    const response = await fetch(new URL('/auth/callback?code=forged&state=proxied', api.url), {
      headers: { 'x-forwarded-for': '192.0.2.66, 203.0.113.9' },
      redirect: 'manual',
    });
    expect(response.status).toBe(401);
    const { entries } = await api.platform.governance.audit.list(INSTANCE_CHAIN, {
      action: 'auth.login.failure',
      since,
      limit: 100,
    });
    const ips = entries.map((e) => e.detail.ip);
    expect(ips).toContain('203.0.113.9');
    expect(ips).not.toContain('192.0.2.66');
  });

  it('pages with next_before and filters by time', async () => {
    const all = await audit('?limit=500');
    expect(all.entries.length).toBeGreaterThanOrEqual(2);
    const first = await audit('?limit=1');
    expect(first.entries).toHaveLength(1);
    expect(first.next_before).toBe(first.entries[0]?.seq);
    const second = await audit(`?limit=1&before=${first.next_before}`);
    expect(second.entries[0]?.seq).toBe((first.entries[0]?.seq ?? 0) - 1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await audit(`?since=${encodeURIComponent(future)}`)).entries).toEqual([]);
    const invalid = await withToken(api.url, '/audit?limit=0', token);
    expect(invalid.status).toBe(400);
  });

  it('verifies the chain over the API and with guardian audit verify, and refuses roles without audit:read', async () => {
    const verified = await withToken(api.url, '/audit/verify', token);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ org_id: orgId, ok: true, problems: [] });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [guardian, 'audit', 'verify', '--org', orgId],
      {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: stackEnv('DATABASE_URL'),
          GUARDIAN_ENCRYPTION_KEY: encryptionKey(),
        },
      },
    );
    expect(stdout).toMatch(new RegExp(`^${orgId}: OK \\(\\d+ entries`));
    // A team member may not read the trail.
    const { browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io');
    await setMembership(orgId, eveId, 'team_member');
    const eveToken = await eve.token(orgId);
    expect((await withToken(api.url, '/whoami', eveToken)).status).toBe(200);
    expect((await withToken(api.url, '/audit', eveToken)).status).toBe(403);
    expect((await withToken(api.url, '/audit/verify', eveToken)).status).toBe(403);
  });

  it('names a forged chain head in GET /audit/verify, and verifies again once it is put back', async () => {
    const admin = connect(stackEnv('DATABASE_ADMIN_URL'), { max: 1 });
    const onHead = <T>(work: (trx: Knex.Transaction) => Promise<T>) =>
      admin.transaction(async (trx) => {
        await trx.raw("select set_config('guardian.org_id', ?, true)", [orgId]);
        return work(trx);
      });
    try {
      const { signature } = await onHead((trx) =>
        trx('audit_heads').where({ org_id: orgId }).first('signature'),
      );
      expect(signature).toEqual(expect.any(String));
      await onHead((trx) => trx('audit_heads').where({ org_id: orgId }).update({ signature: 'forged' }));
      const forged = await withToken(api.url, '/audit/verify', token);
      expect(forged.status, forged.text).toBe(200);
      expect(forged.body).toMatchObject({ ok: false, problems: [{ kind: 'head-forged' }] });
      await onHead((trx) => trx('audit_heads').where({ org_id: orgId }).update({ signature }));
      expect((await withToken(api.url, '/audit/verify', token)).body).toMatchObject({
        ok: true,
        problems: [],
      });
    } finally {
      await admin.destroy();
    }
  });

  it('records API keys created and revoked, and quota breaches', async () => {
    const created = await call(api.url, 'POST', '/tenants/api-keys', token, {
      name: 'ci',
      role: 'read_only',
    });
    expect(created.status).toBe(201);
    const keyId = (created.body as { id: string }).id;
    expect((await call(api.url, 'DELETE', `/tenants/api-keys/${keyId}`, token)).status).toBe(204);
    const keys = (await audit('?limit=10')).entries.filter((e) => e.action.startsWith('apikey.'));
    expect(keys.map((e) => [e.action, e.target, e.actor])).toEqual([
      ['apikey.revoked', keyId, carolId],
      ['apikey.created', keyId, carolId],
    ]);
    expect(keys[1]?.detail).toEqual({ role: 'read_only' });

    const governance = api.platform.governance;
    expect((await governance.consume(orgId, 'workflows', 'run-1', carolId)).allowed).toBe(true);
    expect((await governance.consume(orgId, 'workflows', 'run-1', carolId)).allowed).toBe(true);
    expect((await governance.consume(orgId, 'workflows', 'run-2', carolId)).allowed).toBe(false);
    const breaches = (await audit('?action=quota.exceeded')).entries;
    expect(breaches.map((e) => [e.target, e.actor])).toEqual([['run-2', carolId]]);
    expect(breaches[0]?.detail).toMatchObject({ kind: 'workflows', limit: 1 });
  });

  it('records logout', async () => {
    const logout = await carol.post('/auth/logout');
    expect(logout.status).toBe(204);
    const page = await audit('?action=auth.logout');
    expect(page.entries.map((e) => e.actor)).toEqual([carolId]);
  });
});

describe('platform audit: rate limit breaches, by the platform’s clock', () => {
  // The platform's clock, so the test can let a minute pass; tokens live far longer than the test.
  const clock = new FakeClock(Date.now());
  const tinyPlan = quotaPolicy(uniqueName('it-plan-audit'), { displayName: 'tiny', apiCallsPerHour: 40 });
  const org = organization(uniqueName('it-audit'), {
    plan: tinyPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const orgId = org.metadata.name;
  const api = platformSuite({ plans: [tinyPlan], organizations: [org], clock });

  it('records a rate limit breach at most once a minute', async () => {
    // Logged in to no organization, so that only the calls below count against this one's limit.
    const carol = new Browser(api.url);
    expect((await carol.login('carol@startupco.io')).status).toBe(200);
    const token = await carol.token(orgId);
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await withToken(api.url, '/whoami', token)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    // Recorded off the request path: wait for it, then make sure no second one follows.
    const breaches = async () =>
      (await api.platform.governance.audit.list(orgId, { action: 'ratelimit.exceeded', limit: 10 })).entries;
    await eventually('the breach to be recorded', async () => (await breaches()).length > 0);
    await new Promise((done) => setTimeout(done, 300));
    const recorded = await breaches();
    expect(recorded[0]?.detail).toMatchObject({ limit: 40 });
    expect(recorded).toHaveLength(1);
    // The control: once a minute, not once ever. Refused just before the minute is up, unrecorded;
    // refused when it is, recorded again.
    clock.advance(59_999);
    expect((await withToken(api.url, '/whoami', token)).status).toBe(429);
    await new Promise((done) => setTimeout(done, 300));
    expect(await breaches()).toHaveLength(1);
    clock.advance(1);
    expect((await withToken(api.url, '/whoami', token)).status).toBe(429);
    await eventually('the next minute’s breach to be recorded', async () => (await breaches()).length === 2);
  });
});
