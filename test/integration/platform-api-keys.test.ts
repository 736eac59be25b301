import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.ts';
import { uniqueName } from '../support/kube.ts';
import {
  type Browser,
  call,
  deleteAll,
  organization,
  plan,
  setMembership,
  signedIn,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';

interface Created {
  id: string;
  key: string;
  role: string;
}
interface Listed {
  id: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

describe('platform API keys', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const ownedByCarol = {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  };
  const carolsOrg = organization(uniqueName('it-keys'), ownedByCarol);
  const otherOrg = organization(uniqueName('it-keys-other'), ownedByCarol);
  const org = carolsOrg.metadata.name;
  const api = platformSuite({ plans: [basicPlan], organizations: [carolsOrg, otherOrg] });
  let carol: Browser;
  let eve: Browser;
  let eveId: string;
  let owner: string;

  beforeAll(async () => {
    carol = (await signedIn(api.url, 'carol@startupco.io')).browser;
    owner = await carol.token(org);
    ({ browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io'));
  });

  const mint = async (token: string, body: Record<string, unknown>) =>
    call(api.url, 'POST', '/tenants/api-keys', token, body);

  it('shows a new key once, stores no secret, and accepts it as a bearer token in its org only', async () => {
    const created = await mint(owner, { name: 'ci', role: 'org_admin' });
    expect(created.status, created.text).toBe(201);
    const { id, key } = created.body as Created;
    expect(key).toMatch(/^gdn_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`gdn_${id}_`)).toBe(true);
    const list = await call(api.url, 'GET', '/tenants/api-keys', owner);
    expect(list.status).toBe(200);
    expect(list.text).toContain(id);
    expect(list.text).not.toContain(key.slice(`gdn_${id}_`.length));
    const whoami = await call(api.url, 'GET', '/whoami', key);
    expect(whoami.status, whoami.text).toBe(200);
    expect(whoami.body).toMatchObject({
      org_id: org,
      role: 'org_admin',
      authenticated_by: 'api_key',
      orgs: { [org]: 'org_admin' },
    });
    // Bound to its organization: carol owns the other one too, her key does not.
    const elsewhere = await call(api.url, 'GET', '/whoami', key, undefined, {
      'x-org-id': otherOrg.metadata.name,
    });
    expect(elsewhere.status).toBe(403);
    expect((await call(api.url, 'GET', '/whoami', key, undefined, { 'x-org-id': org })).status).toBe(200);
    expect((await call(api.url, 'GET', `/tenants/organizations/${otherOrg.metadata.name}`, key)).status).toBe(
      404,
    );
  });

  it('refuses tampered, unknown and revoked keys, and accepts the valid one beside them', async () => {
    const { id, key } = (await mint(owner, { name: 'revoke-me', role: 'read_only' })).body as Created;
    expect((await call(api.url, 'GET', '/whoami', key)).status).toBe(200);
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    expect((await call(api.url, 'GET', '/whoami', `${key.slice(0, -1)}${last}`)).status).toBe(401);
    expect((await call(api.url, 'GET', '/whoami', `gdn_0000000000000000_${key.slice(-43)}`)).status).toBe(
      401,
    );
    expect((await call(api.url, 'GET', '/whoami', 'gdn_nonsense')).status).toBe(401);
    expect((await call(api.url, 'DELETE', `/tenants/api-keys/${id}`, owner)).status).toBe(204);
    expect((await call(api.url, 'GET', '/whoami', key)).status).toBe(401);
    expect((await call(api.url, 'DELETE', `/tenants/api-keys/${id}`, owner)).status).toBe(404);
  });

  it('never mints a key stronger than its creator, by token or by key', async () => {
    await setMembership(org, eveId, 'org_admin');
    const admin = await eve.token(org);
    expect((await mint(admin, { name: 'too strong', role: 'org_owner' })).status).toBe(403);
    const adminKey = (await mint(admin, { name: 'as strong', role: 'org_admin' })).body as Created;
    expect(adminKey.role).toBe('org_admin');
    // A key minting keys: the same rule, with the key's own role as the ceiling.
    expect((await mint(adminKey.key, { name: 'escalate', role: 'org_owner' })).status).toBe(403);
    const weaker = await mint(adminKey.key, { name: 'weaker', role: 'team_member' });
    expect(weaker.status).toBe(201);
    // A team_member key has no apikeys:manage at all.
    expect((await mint((weaker.body as Created).key, { name: 'x', role: 'read_only' })).status).toBe(403);
    // team_lead: no apikeys:manage either.
    await setMembership(org, eveId, 'team_lead');
    expect((await mint(await eve.token(org), { name: 'lead', role: 'read_only' })).status).toBe(403);
  });

  it('loses what its creator loses: a demotion revokes stronger keys, a removal all of them', async () => {
    await setMembership(org, eveId, 'org_admin');
    const admin = await eve.token(org);
    const strong = (await mint(admin, { name: 'strong', role: 'org_admin' })).body as Created;
    const weak = (await mint(admin, { name: 'weak', role: 'team_member' })).body as Created;
    const carols = (await mint(owner, { name: 'carols', role: 'org_admin' })).body as Created;
    for (const key of [strong, weak, carols])
      expect((await call(api.url, 'GET', '/whoami', key.key)).status).toBe(200);

    const demoted = await call(api.url, 'PATCH', `/tenants/members/${eveId}`, owner, { role: 'team_member' });
    expect(demoted.status, demoted.text).toBe(204);
    expect((await call(api.url, 'GET', '/whoami', strong.key)).status).toBe(401);
    expect((await call(api.url, 'GET', '/whoami', weak.key)).status).toBe(200);

    expect((await call(api.url, 'DELETE', `/tenants/members/${eveId}`, owner)).status).toBe(204);
    expect((await call(api.url, 'GET', '/whoami', weak.key)).status).toBe(401);
    // Someone else's keys are untouched.
    expect((await call(api.url, 'GET', '/whoami', carols.key)).status).toBe(200);
  });

  it('is refused while its organization is suspended', async () => {
    const suspendable = organization(uniqueName('it-keys-susp'), ownedByCarol);
    const id = suspendable.metadata.name;
    try {
      await api.apply(suspendable);
      const { key } = (await mint(await carol.token(id), { name: 'ci', role: 'read_only' })).body as Created;
      expect((await call(api.url, 'GET', '/whoami', key)).status).toBe(200);
      await api.changeOrganization(suspendable, { suspended: true });
      const refused = await call(api.url, 'GET', '/whoami', key);
      expect(refused.status).toBe(403);
      expect((refused.body as { detail: string }).detail).toBe(`Organization ${id} is suspended`);
    } finally {
      await deleteAll(suspendable);
    }
  });
});

describe('platform API keys: last use, by the platform’s clock', () => {
  // The platform's clock, so the test can let a minute pass; tokens live far longer than the test.
  const clock = new FakeClock(Date.now());
  const basicPlan = plan(uniqueName('it-plan'), false);
  const carolsOrg = organization(uniqueName('it-keys'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const api = platformSuite({ plans: [basicPlan], organizations: [carolsOrg], clock });

  it('records last use at most once a minute', async () => {
    const carol = (await signedIn(api.url, 'carol@startupco.io')).browser;
    const owner = await carol.token(carolsOrg.metadata.name);
    const minted = await call(api.url, 'POST', '/tenants/api-keys', owner, {
      name: 'usage',
      role: 'read_only',
    });
    const { id, key } = minted.body as Created;
    const lastUsed = async () =>
      ((await call(api.url, 'GET', '/tenants/api-keys', owner)).body as { api_keys: Listed[] }).api_keys.find(
        (listed) => listed.id === id,
      )?.last_used_at;
    expect(await lastUsed()).toBeNull();
    await call(api.url, 'GET', '/whoami', key);
    const first = await lastUsed();
    expect(first).toBe(new Date(clock.now()).toISOString());
    clock.advance(20);
    await call(api.url, 'GET', '/whoami', key);
    expect(await lastUsed()).toBe(first);
    // The control: once a minute, not once ever. Not just before the minute is up, then again.
    clock.advance(59_979);
    await call(api.url, 'GET', '/whoami', key);
    expect(await lastUsed()).toBe(first);
    clock.advance(1);
    await call(api.url, 'GET', '/whoami', key);
    expect(await lastUsed()).toBe(new Date(clock.now()).toISOString());
  });
});
