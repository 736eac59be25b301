import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../platform/src/crypto/random.ts';
import { connect } from '../../platform/src/db.ts';
import { uniqueName } from '../support/kube.ts';
import { Browser, organization, plan } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

const issuers = { default: stackEnv('OIDC_ISSUER'), techcorp: stackEnv('OIDC_ISSUER_TECHCORP') };
const sso = (secret: string) => ({
  issuer: issuers.techcorp,
  clientId: stackEnv('OIDC_CLIENT_ID'),
  clientSecretRef: { name: secret },
  groupRoles: [{ group: 'techcorp-developers', role: 'team_member' }],
});

interface MeBody {
  user: { issuer: string; email: string; email_verified: boolean };
  tenant_context: { org_id: string | null; role: string | null; orgs: Record<string, string> };
}
interface ProblemBody {
  status: number;
  title: string;
  detail: string;
}

/** The authorization response `callback` with one parameter changed, as an attacker would send it. */
function tampered(callback: URL, name: string, value: string): string {
  const url = new URL(callback);
  url.searchParams.set(name, value);
  return url.href;
}

describe('platform login (OIDC code + PKCE against the dev identity providers)', () => {
  const ssoPlan = plan(uniqueName('it-plan-sso'), true);
  const basicPlan = plan(uniqueName('it-plan-basic'), false);
  const techOrg = organization(uniqueName('it-tech'), {
    plan: ssoPlan.metadata.name,
    owners: [{ kind: 'User', name: 'alice@techcorp.com' }],
    sso: sso('sso-client'),
  });
  const domainOrg = organization(uniqueName('it-domain'), {
    plan: basicPlan.metadata.name,
    domains: ['startupco.io'],
  });
  const noSsoOrg = organization(uniqueName('it-nosso'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'alice@techcorp.com' }],
    sso: sso('sso-client'),
  });
  const suspendedOrg = organization(uniqueName('it-susp'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
    suspended: true,
  });
  const api = platformSuite({
    plans: [ssoPlan, basicPlan],
    organizations: [techOrg, domainOrg, noSsoOrg, suspendedOrg],
    ssoSecrets: [techOrg.metadata.name, noSsoOrg.metadata.name],
  });
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
  afterAll(() => db.destroy());

  it('signs alice in through her organization’s own IdP as its owner, with a safe session cookie', async () => {
    const browser = new Browser(api.url);
    const callback = await browser.authorize('alice@techcorp.com', techOrg.metadata.name);
    expect(callback.searchParams.get('iss')).toBe(issuers.techcorp);
    const me = await browser.finish(callback);
    expect(me.status).toBe(200);
    const body = me.body as MeBody;
    expect(body.user).toMatchObject({
      issuer: issuers.techcorp,
      email: 'alice@techcorp.com',
      email_verified: true,
    });
    expect(body.tenant_context).toMatchObject({ org_id: techOrg.metadata.name, role: 'org_owner' });

    const again = new Browser(api.url);
    await again.authorize('alice@techcorp.com', techOrg.metadata.name);
    const setCookie = await again.fetch(new URL('/auth/login', api.url));
    expect(setCookie.headers.get('set-cookie')).toMatch(
      /^guardian_login=[\w-]+; Path=\/auth\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
  });

  it('maps SSO groups to roles only through the org’s own IdP (bob is a team member)', async () => {
    const browser = new Browser(api.url);
    const me = await browser.login('bob@techcorp.com', techOrg.metadata.name);
    expect(me.status).toBe(200);
    expect((me.body as MeBody).tenant_context).toMatchObject({
      org_id: techOrg.metadata.name,
      role: 'team_member',
    });
  });

  it('signs carol in through the default IdP; her verified domain joins her to the org claiming it', async () => {
    const browser = new Browser(api.url);
    const me = await browser.login('carol@startupco.io');
    expect(me.status).toBe(200);
    const body = me.body as MeBody;
    expect(body.user.issuer).toBe(issuers.default);
    expect(body.tenant_context.orgs[domainOrg.metadata.name]).toBe('team_member');
    const sessionCookie = browser.cookie('guardian_session');
    expect(sessionCookie).toMatch(/^[\w-]{43}$/);
    // Only a hash of the session id is stored.
    const stored = await db('sessions')
      .where({ id_hash: sha256(sessionCookie ?? '') })
      .first();
    expect(stored).toBeDefined();
    expect(JSON.stringify(await db('sessions').select('id_hash').limit(100))).not.toContain(sessionCookie);
  });

  it('refuses a callback with the wrong state, and accepts the right one', async () => {
    const browser = new Browser(api.url);
    const callback = await browser.authorize('carol@startupco.io');
    const refused = await browser.get(tampered(callback, 'state', 'forged-state'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((refused.body as ProblemBody).detail).toMatch(/state/);

    const control = new Browser(api.url);
    expect((await control.login('carol@startupco.io')).status).toBe(200);
  });

  it('returns a login only to a console page of this site, never elsewhere (no open redirect)', async () => {
    for (const target of [
      '//evil.example/o/acme',
      '/\\evil.example',
      'https://evil.example/',
      'evil.example',
      '/auth/me',
      '/o/acme#https://evil.example',
      '/o/ acme',
    ]) {
      const refused = await new Browser(api.url).get(`/auth/login?return_to=${encodeURIComponent(target)}`);
      expect(refused.status, target).toBe(400);
      expect((refused.body as ProblemBody & { errors: Array<{ field: string }> }).errors, target).toEqual([
        expect.objectContaining({ field: 'return_to' }),
      ]);
    }
    // The positive controls: a console page, with its query, and the default, the console's start.
    const page = `/o/${domainOrg.metadata.name}?tab=teams`;
    const browser = new Browser(api.url);
    const start = new URL(`/auth/login?return_to=${encodeURIComponent(page)}`, api.url);
    const landed = await browser.land(await browser.authorize('carol@startupco.io', undefined, start));
    expect(landed.status).toBe(302);
    expect(landed.headers.get('location')).toBe(page);
    const plain = new Browser(api.url);
    expect((await plain.land(await plain.authorize('carol@startupco.io'))).headers.get('location')).toBe('/');
  });

  it('checks the stored return path again at the callback: a tampered row sends the browser to /', async () => {
    const browser = new Browser(api.url);
    const callback = await browser.authorize('carol@startupco.io');
    const pending = browser.cookie('guardian_login', '/auth/callback') ?? '';
    const changed = await db('pending_logins')
      .where({ id_hash: sha256(pending) })
      .update({ return_to: '//evil.example/' });
    expect(changed).toBe(1);
    const landed = await browser.land(callback);
    expect(landed.status).toBe(302);
    expect(landed.headers.get('location')).toBe('/');
  });

  it('refuses a replayed authorization code, and accepts its first use', async () => {
    const browser = new Browser(api.url);
    const callback = await browser.authorize('carol@startupco.io');
    expect((await browser.finish(callback)).status).toBe(200);
    // The same callback again: its pending login was used up.
    const replay = await browser.get(callback.href);
    expect(replay.status).toBe(401);
    expect((replay.body as ProblemBody).detail).toMatch(/expired or was already used/);
    // The old code under a fresh pending login, with that login's own state: the IdP refuses it.
    const start = await browser.request('/auth/login');
    const fresh = new URL(start.headers.get('location') ?? '');
    const refused = await browser.get(tampered(callback, 'state', fresh.searchParams.get('state') ?? ''));
    expect(refused.status).toBe(401);
    expect((refused.body as ProblemBody).detail).toMatch(/invalid_grant/);
  });

  it('refuses an ID token whose nonce does not match the pending login, and accepts a matching one', async () => {
    const browser = new Browser(api.url);
    const callback = await browser.authorize('carol@startupco.io');
    const pending = browser.cookie('guardian_login', '/auth/callback');
    expect(pending).toBeDefined();
    const changed = await db('pending_logins')
      .where({ id_hash: sha256(pending ?? '') })
      .update({ nonce: 'tampered-nonce' });
    expect(changed).toBe(1);
    const refused = await browser.get(callback.href);
    expect(refused.status).toBe(401);
    expect((refused.body as ProblemBody).detail).toMatch(/nonce/);

    const control = new Browser(api.url);
    expect((await control.login('carol@startupco.io')).status).toBe(200);
  });

  it('refuses an authorization response from another issuer (iss), and accepts the right one', async () => {
    const browser = new Browser(api.url);
    const callback = await browser.authorize('carol@startupco.io');
    expect(callback.searchParams.get('iss')).toBe(issuers.default);
    const refused = await browser.get(tampered(callback, 'iss', issuers.techcorp));
    expect(refused.status).toBe(401);
    expect((refused.body as ProblemBody).detail).toMatch(/iss/);

    const control = new Browser(api.url);
    expect((await control.login('carol@startupco.io', domainOrg.metadata.name)).status).toBe(200);
  });

  it('never lets an unverified email sign up by its domain, while a verified one does', async () => {
    for (const org of [domainOrg.metadata.name, undefined]) {
      const eve = new Browser(api.url);
      const refused = await eve.login('eve@startupco.io', org);
      expect(refused.status).toBe(403);
      expect((refused.body as ProblemBody).detail).toMatch(
        /has not verified the email address eve@startupco\.io/,
      );
      expect(eve.cookie('guardian_session')).toBeUndefined();
    }
    const carol = await new Browser(api.url).login('carol@startupco.io', domainOrg.metadata.name);
    expect(carol.status).toBe(200);
    expect((carol.body as MeBody).tenant_context).toMatchObject({
      org_id: domainOrg.metadata.name,
      role: 'team_member',
    });
  });

  it('refuses a suspended organization at login, and admits it once unsuspended', async () => {
    const browser = new Browser(api.url);
    const refused = await browser.get(`/auth/login?org=${suspendedOrg.metadata.name}`);
    expect(refused.status).toBe(403);
    expect((refused.body as ProblemBody).detail).toBe(
      `Organization ${suspendedOrg.metadata.name} is suspended`,
    );

    await api.changeOrganization(suspendedOrg, { suspended: false });
    const me = await browser.login('carol@startupco.io', suspendedOrg.metadata.name);
    expect(me.status).toBe(200);
    expect((me.body as MeBody).tenant_context).toMatchObject({
      org_id: suspendedOrg.metadata.name,
      role: 'org_owner',
    });
  });

  it('refuses an organization’s own IdP when its plan lacks SSO, and uses it once the plan has it', async () => {
    const browser = new Browser(api.url);
    const refused = await browser.get(`/auth/login?org=${noSsoOrg.metadata.name}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((refused.body as ProblemBody).detail).toMatch(
      /its plan \(it-plan-basic-\w+\) lacks the SSO feature/,
    );

    await api.changeOrganization(noSsoOrg, { plan: ssoPlan.metadata.name });
    const me = await browser.login('alice@techcorp.com', noSsoOrg.metadata.name);
    expect(me.status).toBe(200);
    expect((me.body as MeBody).user.issuer).toBe(issuers.techcorp);
  });

  it('logs out server-side: the old cookie stops working', async () => {
    const browser = new Browser(api.url);
    await browser.login('carol@startupco.io');
    const cookie = browser.cookie('guardian_session') ?? '';
    expect((await browser.get('/auth/me')).status).toBe(200);
    expect((await browser.post('/auth/logout')).status).toBe(204);
    const replay = await fetch(new URL('/auth/me', api.url), {
      headers: { cookie: `guardian_session=${cookie}` },
    });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
