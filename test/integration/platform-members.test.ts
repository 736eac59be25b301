import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/kube.ts';
import { type Browser, call, organization, plan, setMembership, signedIn } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';

interface Member {
  kind: string;
  user_id: string | null;
  email: string | null;
  role: string;
  source: string;
}

describe('platform members API: roles within mayGrant, never without an owner', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const carolsOrg = organization(uniqueName('it-members'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  // Owned only through membership rows, so the last-owner rule is about rows alone.
  const rowOwned = organization(uniqueName('it-rowowned'), { plan: basicPlan.metadata.name });
  const org = carolsOrg.metadata.name;
  const api = platformSuite({ plans: [basicPlan], organizations: [carolsOrg, rowOwned] });
  let carol: Browser;
  let eve: Browser;
  let eveId: string;
  let rootId: string;

  beforeAll(async () => {
    carol = (await signedIn(api.url, 'carol@startupco.io')).browser;
    ({ browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io'));
    ({ userId: rootId } = await signedIn(api.url, 'root@guardian.local'));
  });

  const members = async (token: string) =>
    ((await call(api.url, 'GET', '/tenants/members', token)).body as { members: Member[] }).members;

  it('lists members with their effective role and source, spec owners included', async () => {
    await setMembership(org, eveId, 'team_member');
    const list = await members(await carol.token(org));
    expect(list).toContainEqual(
      expect.objectContaining({ kind: 'User', user_id: eveId, role: 'team_member', source: 'manual' }),
    );
    expect(list).toContainEqual(
      expect.objectContaining({
        kind: 'User',
        email: 'carol@startupco.io',
        role: 'org_owner',
        source: 'owner',
      }),
    );
    expect((await call(api.url, 'GET', '/tenants/members', await eve.token(org))).status).toBe(200);
  });

  it('lets an org_admin grant up to org_admin but not org_owner', async () => {
    await setMembership(org, eveId, 'org_admin');
    await setMembership(org, rootId, 'team_member');
    const admin = await eve.token(org);
    const path = `/tenants/members/${rootId}`;
    const escalate = await call(api.url, 'PATCH', path, admin, { role: 'org_owner' });
    expect(escalate.status).toBe(403);
    const allowed = await call(api.url, 'PATCH', path, admin, { role: 'org_admin' });
    expect(allowed.status, allowed.text).toBe(204);
    expect((await members(admin)).find((m) => m.user_id === rootId)?.role).toBe('org_admin');
    // An owner may grant ownership.
    expect((await call(api.url, 'PATCH', path, await carol.token(org), { role: 'org_owner' })).status).toBe(
      204,
    );
    // ...and an org_admin may not take it away again.
    expect((await call(api.url, 'PATCH', path, admin, { role: 'team_member' })).status).toBe(403);
    expect((await call(api.url, 'DELETE', path, admin)).status).toBe(403);
  });

  it('refuses a team_lead who would make themselves org_admin', async () => {
    await setMembership(org, eveId, 'team_lead');
    const lead = await eve.token(org);
    expect(
      (await call(api.url, 'PATCH', `/tenants/members/${eveId}`, lead, { role: 'org_admin' })).status,
    ).toBe(403);
    // Positive control: the owner can.
    const owner = await carol.token(org);
    expect(
      (await call(api.url, 'PATCH', `/tenants/members/${eveId}`, owner, { role: 'org_admin' })).status,
    ).toBe(204);
  });

  it('never removes or demotes the last owner', async () => {
    const id = rowOwned.metadata.name;
    await setMembership(id, eveId, 'org_owner');
    const owner = await eve.token(id);
    const demoteSelf = await call(api.url, 'PATCH', `/tenants/members/${eveId}`, owner, {
      role: 'org_admin',
    });
    expect(demoteSelf.status).toBe(409);
    expect((await call(api.url, 'DELETE', `/tenants/members/${eveId}`, owner)).status).toBe(409);
    // With a second owner, one of them may go.
    await setMembership(id, rootId, 'org_owner');
    expect(
      (await call(api.url, 'PATCH', `/tenants/members/${rootId}`, owner, { role: 'read_only' })).status,
    ).toBe(204);
    expect((await call(api.url, 'DELETE', `/tenants/members/${rootId}`, owner)).status).toBe(204);
    expect((await members(owner)).map((m) => m.user_id)).toEqual([eveId]);
    expect((await call(api.url, 'DELETE', `/tenants/members/${eveId}`, owner)).status).toBe(409);
  });

  it('keeps members of another organization out of reach', async () => {
    await setMembership(org, rootId, 'team_member');
    const token = await eve.token(rowOwned.metadata.name);
    // root is a member of carol's org, not of this one: nothing to change here.
    expect(
      (await call(api.url, 'PATCH', `/tenants/members/${rootId}`, token, { role: 'read_only' })).status,
    ).toBe(404);
    expect((await call(api.url, 'GET', '/tenants/members', token)).text).not.toContain('carol@startupco.io');
    const other = await call(api.url, 'GET', '/tenants/members', token, undefined, { 'x-org-id': org });
    expect(other.status).toBe(200); // eve belongs to both: the positive control of the switch
  });
});
