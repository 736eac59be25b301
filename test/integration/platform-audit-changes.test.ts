import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/kube.ts';
import {
  type Browser,
  call,
  createUser,
  deleteAll,
  organization,
  plan,
  setMembership,
  signedIn,
  until,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { invitationLink } from '../support/smtp.ts';

interface Entry {
  seq: number;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

describe('platform audit: members, invitations, organizations and teams, through the API', () => {
  const basicPlan = plan(uniqueName('it-plan-trail'), false);
  const carolsOrg = organization(uniqueName('it-trail'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const org = carolsOrg.metadata.name;
  const created = uniqueName('it-trail-new');
  const api = platformSuite({
    plans: [basicPlan],
    organizations: [carolsOrg],
    controlNamespaces: [org],
    smtp: true,
  });
  let carol: Browser;
  let carolId: string;
  let owner: string;
  let root: Browser;
  let rootId: string;

  beforeAll(async () => {
    ({ browser: carol, userId: carolId } = await signedIn(api.url, 'carol@startupco.io'));
    owner = await carol.token(org);
    ({ browser: root, userId: rootId } = await signedIn(api.url, 'root@guardian.local'));
  });
  afterAll(() => deleteAll(organization(created, {})));

  /** The trail of the organization as GET /audit returns it, oldest first, with these actions. */
  const trail = async (token: string, prefix: string, headers: Record<string, string> = {}) => {
    const page = await call(api.url, 'GET', '/audit?limit=500', token, undefined, headers);
    expect(page.status, page.text).toBe(200);
    return (page.body as { entries: Entry[] }).entries.filter((e) => e.action.startsWith(prefix)).reverse();
  };
  const verified = async (token: string, headers: Record<string, string> = {}) => {
    const answer = await call(api.url, 'GET', '/audit/verify', token, undefined, headers);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, problems: [] });
  };

  it('records role changes (from, to), removals, and a refused grant with its reason', async () => {
    const { browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io');
    await setMembership(org, eveId, 'read_only');
    const ghost = await createUser();
    await setMembership(org, ghost, 'team_member');
    const promote = await call(api.url, 'PATCH', `/tenants/members/${eveId}`, owner, { role: 'org_admin' });
    expect(promote.status, promote.text).toBe(204);
    const admin = await eve.token(org);
    // An org_admin may not make owners (refused), but may change a team member (positive control).
    const refused = await call(api.url, 'PATCH', `/tenants/members/${ghost}`, admin, { role: 'org_owner' });
    expect(refused.status).toBe(403);
    const allowed = await call(api.url, 'PATCH', `/tenants/members/${ghost}`, admin, { role: 'team_lead' });
    expect(allowed.status).toBe(204);
    expect((await call(api.url, 'DELETE', `/tenants/members/${ghost}`, owner)).status).toBe(204);

    const entries = await trail(owner, 'member.');
    expect(entries.map((e) => [e.action, e.actor, e.target, e.detail])).toEqual([
      ['member.role.changed', carolId, eveId, { from: 'read_only', to: 'org_admin' }],
      [
        'member.role.refused',
        eveId,
        ghost,
        { to: 'org_owner', status: 403, reason: 'Your role (org_admin) may not grant org_owner' },
      ],
      ['member.role.changed', eveId, ghost, { from: 'team_member', to: 'team_lead' }],
      ['member.removed', carolId, ghost, { role: 'team_lead' }],
    ]);
    await verified(owner);
  });

  it('records invitations created, revoked and accepted, never their signed link', async () => {
    const revoked = await call(api.url, 'POST', '/tenants/invitations', owner, {
      email: 'Someone@Example.com',
      role: 'read_only',
    });
    expect(revoked.status, revoked.text).toBe(201);
    const revokedId = (revoked.body as { id: string }).id;
    expect((await call(api.url, 'DELETE', `/tenants/invitations/${revokedId}`, owner)).status).toBe(204);
    const since = api.smtp.messages.length;
    const invited = await call(api.url, 'POST', '/tenants/invitations', owner, {
      email: 'root@guardian.local',
      role: 'team_lead',
    });
    expect(invited.status).toBe(201);
    const invitedId = (invited.body as { id: string }).id;
    const link = invitationLink(await api.smtp.waitFor('root@guardian.local', since));
    expect((await root.loginVia(link, 'root@guardian.local')).status).toBe(200);

    const entries = await trail(owner, 'invitation.');
    expect(entries.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['invitation.created', carolId, 'someone@example.com'],
      ['invitation.revoked', carolId, 'someone@example.com'],
      ['invitation.created', carolId, 'root@guardian.local'],
      ['invitation.accepted', rootId, 'root@guardian.local'],
    ]);
    expect(entries[0]?.detail).toMatchObject({ invitation_id: revokedId, role: 'read_only' });
    expect(entries[1]?.detail).toEqual({ invitation_id: revokedId });
    expect(entries[3]?.detail).toMatchObject({
      invitation_id: invitedId,
      role: 'team_lead',
      user_id: rootId,
    });
    const signed = new URL(link).searchParams.get('invitation') ?? '';
    const signature = signed.split('.').at(-1) ?? '';
    expect(signature).toHaveLength(43);
    const everything = JSON.stringify(await trail(owner, ''));
    expect(everything).not.toContain(signature);
    expect(everything).not.toContain(owner);
    await verified(owner);
  });

  it('records teams created, changed and deleted, and their members added, changed and removed', async () => {
    const team = `/tenants/teams/platform`;
    const member = `${team}/members/users/bob@techcorp.com`;
    const steps: Array<[string, string, unknown, number]> = [
      ['POST', '/tenants/teams', { name: 'Platform', team_id: 'platform' }, 201],
      ['PATCH', team, { description: 'Runs the clusters' }, 200],
      ['PUT', member, { role: 'team_member' }, 200],
      ['PUT', member, { role: 'team_lead' }, 200],
      ['DELETE', member, undefined, 204],
      ['DELETE', team, undefined, 204],
    ];
    for (const [method, path, body, status] of steps) {
      const answer = await call(api.url, method, path, owner, body);
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(status);
    }
    const bob = { kind: 'User', name: 'bob@techcorp.com' };
    const entries = await trail(owner, 'team.');
    expect(entries.map((e) => [e.action, e.actor, e.target, e.detail])).toEqual([
      ['team.created', carolId, 'platform', { name: 'Platform', agent_categories: null }],
      [
        'team.updated',
        carolId,
        'platform',
        { changes: { description: { from: null, to: 'Runs the clusters' } } },
      ],
      ['team.member.added', carolId, 'platform', { ...bob, from: null, to: 'team_member' }],
      ['team.member.role.changed', carolId, 'platform', { ...bob, from: 'team_member', to: 'team_lead' }],
      ['team.member.removed', carolId, 'platform', bob],
      ['team.deleted', carolId, 'platform', {}],
    ]);
    await verified(owner);
  });

  it('records an organization created, renamed, suspended, resumed, a refused change, its deletion requested, restored, and deleted at once', async () => {
    const superAdmin = await root.token();
    const made = await call(api.url, 'POST', '/tenants/organizations', superAdmin, {
      name: 'Trail Corp',
      owner_email: 'carol@startupco.io',
      plan_type: basicPlan.metadata.name,
      org_id: created,
    });
    expect([201, 202], made.text).toContain(made.status);
    await until('the platform to see the new organization', () =>
      Boolean(api.platform.directory.get(created)),
    );
    const path = `/tenants/organizations/${created}`;
    for (const body of [{ name: 'Trail Corp 2' }, { suspended: true }, { suspended: false }]) {
      const changed = await call(api.url, 'PATCH', path, superAdmin, body);
      expect(changed.status, changed.text).toBe(200);
    }
    await until(
      'the platform to see it resumed',
      () => api.platform.directory.get(created)?.spec.suspended === false,
    );
    const carols = await carol.token(created);
    const refused = await call(api.url, 'PATCH', path, carols, { plan_type: 'enterprise' });
    expect(refused.status).toBe(403);
    const inCreated = { 'x-org-id': created };
    const entries = await trail(superAdmin, 'organization.', inCreated);
    expect(entries.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['organization.created', rootId, created],
      ['organization.updated', rootId, created],
      ['organization.suspended', rootId, created],
      ['organization.resumed', rootId, created],
      ['organization.update.refused', carolId, created],
    ]);
    expect(entries[0]?.detail).toMatchObject({
      name: 'Trail Corp',
      plan_type: basicPlan.metadata.name,
      owners: [{ kind: 'User', name: 'carol@startupco.io' }],
    });
    expect(entries[1]?.detail).toEqual({ changes: { name: { from: 'Trail Corp', to: 'Trail Corp 2' } } });
    expect(entries[2]?.detail).toEqual({ changes: { suspended: { from: false, to: true } } });
    expect(entries[3]?.detail).toEqual({ changes: { suspended: { from: true, to: false } } });
    expect(entries[4]?.detail).toMatchObject({ fields: ['plan_type'], status: 403 });
    await verified(superAdmin, inCreated);

    const confirmed = `${path}?confirm=${created}`;
    expect((await call(api.url, 'DELETE', confirmed, superAdmin)).status).toBe(202);
    expect((await call(api.url, 'POST', `${path}/restore`, carols)).status).toBe(200);
    expect((await call(api.url, 'DELETE', `${confirmed}&immediately=true`, superAdmin)).status).toBe(202);
    const after = await api.platform.governance.audit.list(created, { limit: 3 });
    expect(after.entries.map((e) => [e.action, e.actor, e.target, e.detail])).toEqual([
      ['organization.deleted', rootId, created, { immediately: true }],
      ['organization.restored', carolId, created, {}],
      [
        'organization.deletion.requested',
        rootId,
        created,
        { deletion: expect.objectContaining({ requested_at: expect.any(String) }) },
      ],
    ]);
  });
});
