import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/kube.ts';
import { Browser, organization, plan, withToken } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';

interface Tenant {
  user_id: string;
  org_id: string | null;
  role: string | null;
  permissions: string[];
  authenticated_by: string;
}

describe('platform tenant context: headers, roles and suspension', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const carolsOrg = organization(uniqueName('it-carol'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const otherOrg = organization(uniqueName('it-other'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'Group', name: 'nobody-here' }],
  });
  const api = platformSuite({ plans: [basicPlan], organizations: [carolsOrg, otherOrg] });
  let carol: Browser;
  let carolToken: string;
  let carolId: string;

  beforeAll(async () => {
    carol = new Browser(api.url);
    expect((await carol.login('carol@startupco.io', carolsOrg.metadata.name)).status).toBe(200);
    carolToken = await carol.token();
    carolId = ((await withToken(api.url, '/whoami', carolToken)).body as Tenant).user_id;
  });

  it('refuses x-org-id for an organization the user does not hold, and honours one she holds', async () => {
    const refused = await withToken(api.url, '/whoami', carolToken, { 'x-org-id': otherOrg.metadata.name });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((refused.body as { detail: string }).detail).toBe(
      'x-org-id names an organization you do not belong to',
    );
    for (const bogus of ['../etc', 'ORG', 'a'.repeat(64)]) {
      expect((await withToken(api.url, '/whoami', carolToken, { 'x-org-id': bogus })).status).toBe(403);
    }
    const allowed = await withToken(api.url, '/whoami', carolToken, { 'x-org-id': carolsOrg.metadata.name });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ org_id: carolsOrg.metadata.name, role: 'org_owner' });
    // The same rule for the session cookie.
    expect((await carol.request('/whoami', { headers: { 'x-org-id': otherOrg.metadata.name } })).status).toBe(
      403,
    );
    expect(
      (await carol.request('/whoami', { headers: { 'x-org-id': carolsOrg.metadata.name } })).status,
    ).toBe(200);
  });

  it('lets a super admin switch to any organization, but not to one that does not exist', async () => {
    const root = new Browser(api.url);
    expect((await root.login('root@guardian.local')).status).toBe(200);
    const token = await root.token();
    const switched = await withToken(api.url, '/whoami', token, { 'x-org-id': otherOrg.metadata.name });
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({
      org_id: otherOrg.metadata.name,
      role: 'super_admin',
      super_admin: true,
    });
    expect((switched.body as Tenant).permissions).toContain('platform:admin');
    const missing = await withToken(api.url, '/whoami', token, { 'x-org-id': 'it-no-such-org' });
    expect(missing.status).toBe(403);
    expect((missing.body as { detail: string }).detail).toBe('Organization it-no-such-org does not exist');
  });

  it('refuses x-user-id other than the token’s subject, and accepts the subject itself', async () => {
    const refused = await withToken(api.url, '/whoami', carolToken, {
      'x-user-id': '00000000-0000-4000-8000-000000000000',
    });
    expect(refused.status).toBe(403);
    expect((refused.body as { detail: string }).detail).toBe(
      'x-user-id does not match the authenticated user',
    );
    expect((await withToken(api.url, '/whoami', carolToken, { 'x-user-id': carolId })).status).toBe(200);
  });

  it('issues tokens only for organizations the user belongs to', async () => {
    const refused = await carol.post('/auth/token', { org_id: otherOrg.metadata.name });
    expect(refused.status).toBe(403);
    const other = await carol.post('/auth/token', { org_id: carolsOrg.metadata.name });
    expect(other.status).toBe(200);
    expect(other.headers.get('cache-control')).toBe('no-store');
    expect(other.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
  });

  it('validates token requests strictly, with the failing fields listed', async () => {
    const unknown = await carol.post('/auth/token', { org_id: carolsOrg.metadata.name, admin: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      status: 400,
      errors: [{ field: 'admin', message: 'is not a known field' }],
    });
    const badOrg = await carol.post('/auth/token', { org_id: 'Not An Org' });
    expect(badOrg.status).toBe(400);
    expect((badOrg.body as { errors: { field: string }[] }).errors[0]?.field).toBe('org_id');
    const notJson = await carol.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(notJson.status).toBe(415);
    const broken = await carol.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
    const huge = await carol.post('/auth/token', {
      org_id: carolsOrg.metadata.name,
      padding: 'x'.repeat(70_000),
    });
    expect(huge.status).toBe(413);
    expect((await carol.post('/auth/token', {})).status).toBe(200);
    // As in the README: a POST without any body is an empty request.
    expect((await carol.post('/auth/token')).status).toBe(200);
  });

  it('refuses session-cookie writes from another origin, and accepts its own', async () => {
    const crossSite = await carol.post('/auth/token', {}, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await carol.post('/auth/token', {}, { origin: new URL(api.url).origin })).status).toBe(200);
  });

  it('needs a session (not a token) to mint tokens, and a credential for /auth/me', async () => {
    expect((await withToken(api.url, '/auth/token', carolToken)).status).toBe(405);
    const byToken = await fetch(`${api.url}/auth/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${carolToken}` },
    });
    expect(byToken.status).toBe(401);
    expect((await fetch(`${api.url}/auth/me`)).status).toBe(401);
    expect((await withToken(api.url, '/auth/me', carolToken)).status).toBe(200);
  });

  it('refuses the next request of an existing token and session once the organization is suspended', async () => {
    expect((await withToken(api.url, '/whoami', carolToken)).status).toBe(200);
    expect((await carol.get('/auth/me')).status).toBe(200);
    await api.changeOrganization(carolsOrg, { suspended: true });
    const byToken = await withToken(api.url, '/whoami', carolToken);
    expect(byToken.status).toBe(403);
    expect((byToken.body as { detail: string }).detail).toBe(
      `Organization ${carolsOrg.metadata.name} is suspended`,
    );
    // The session outlives the suspension without acting in it: it still says who carol is (and can
    // log in elsewhere, or out), but a token for the suspended organization is refused.
    const me = await carol.get('/auth/me');
    expect(me.status, me.text).toBe(200);
    expect((me.body as { tenant_context: Tenant }).tenant_context.org_id).toBeNull();
    expect((await carol.post('/auth/token', { org_id: carolsOrg.metadata.name })).status).toBe(403);

    await api.changeOrganization(carolsOrg, { suspended: false });
    expect((await withToken(api.url, '/whoami', carolToken)).status).toBe(200);
    const back = await carol.get('/auth/me');
    expect(back.status).toBe(200);
    expect((back.body as { tenant_context: Tenant }).tenant_context.org_id).toBe(carolsOrg.metadata.name);
  });
});
