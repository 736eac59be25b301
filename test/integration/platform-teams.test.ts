import { beforeAll, describe, expect, it } from 'vitest';
import { type k8s, uniqueName } from '../support/kube.ts';
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
import { objects, team } from '../support/tenancy.ts';

interface TeamView {
  team_id: string;
  org_id: string;
  name: string;
  description: string | null;
  members: { kind: string; name: string; role: string }[];
}

describe('platform teams API', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const carolsOrg = organization(uniqueName('it-teams'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const foreignOrg = organization(uniqueName('it-foreign'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'Group', name: 'nobody-here' }],
  });
  // Not provisioned: its control namespace does not exist yet.
  const newOrg = organization(uniqueName('it-unready'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const foreignTeam = team(foreignOrg.metadata.name, 'secret-team', { displayName: 'Secret Team' });
  const org = carolsOrg.metadata.name;
  // The control namespaces as the operator makes them, so no operator is needed to hold Teams.
  const api = platformSuite({
    plans: [basicPlan],
    organizations: [carolsOrg, foreignOrg, newOrg],
    teams: [foreignTeam],
    controlNamespaces: [org, foreignOrg.metadata.name],
  });
  let carol: Browser;
  let eve: Browser;
  let eveId: string;
  let owner: string;

  beforeAll(async () => {
    carol = (await signedIn(api.url, 'carol@startupco.io')).browser;
    owner = await carol.token(org);
    ({ browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io'));
  });

  it('creates a team from the seed’s body as a Team CR in org-<org>, and refuses a second', async () => {
    const body = { name: 'DevOps Team', description: 'Infrastructure and deployment team' };
    const created = await call(api.url, 'POST', '/tenants/teams', owner, body);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      team_id: 'devops-team',
      org_id: org,
      name: 'DevOps Team',
      members: [],
    });
    expect(created.headers.get('location')).toBe('/tenants/teams/devops-team');
    const cr = (await objects.read({
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Team',
      metadata: { name: 'devops-team', namespace: `org-${org}` },
    })) as k8s.KubernetesObject & { spec: unknown };
    expect(cr.spec).toEqual({
      displayName: 'DevOps Team',
      description: 'Infrastructure and deployment team',
    });
    expect(cr.metadata?.managedFields?.map((entry) => entry.manager)).toContain('guardian-platform');
    expect((await call(api.url, 'POST', '/tenants/teams', owner, body)).status).toBe(409);
    const list = await call(api.url, 'GET', '/tenants/teams', owner);
    expect((list.body as { teams: TeamView[] }).teams.map((t) => t.team_id)).toEqual(['devops-team']);
  });

  it('serializes concurrent creates of one team_id: one 201, the rest 409, and the first one’s spec stays', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(api.url, 'POST', '/tenants/teams', owner, {
          name: `Race ${i}`,
          description: `Attempt ${i}`,
          team_id: 'race',
        }),
      ),
    );
    try {
      const statuses = attempts.map((attempt) => attempt.status).sort();
      expect(statuses, attempts.map((attempt) => attempt.text).join('\n')).toEqual([
        201,
        ...Array(7).fill(409),
      ]);
      const winner = attempts.find((attempt) => attempt.status === 201)?.body as TeamView;
      const cr = (await objects.read({
        apiVersion: 'guardian.aiops.dev/v1alpha1',
        kind: 'Team',
        metadata: { name: 'race', namespace: `org-${org}` },
      })) as k8s.KubernetesObject & { spec: unknown };
      expect(cr.spec).toEqual({ displayName: winner.name, description: winner.description });
      for (const loser of attempts.filter((attempt) => attempt.status === 409)) {
        expect(loser.body).toMatchObject({ status: 409, detail: 'Team race already exists' });
      }
    } finally {
      expect((await call(api.url, 'DELETE', '/tenants/teams/race', owner)).status).toBe(204);
    }
  });

  it('changes a team and its members, and deletes it', async () => {
    await call(api.url, 'POST', '/tenants/teams', owner, { name: 'Security', team_id: 'security' });
    const patched = await call(api.url, 'PATCH', '/tenants/teams/security', owner, { description: 'Scans' });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Security', description: 'Scans' });
    const added = await call(
      api.url,
      'PUT',
      '/tenants/teams/security/members/users/bob@techcorp.com',
      owner,
      {
        role: 'team_lead',
      },
    );
    expect(added.status, added.text).toBe(200);
    await call(api.url, 'PUT', '/tenants/teams/security/members/groups/sec-engineers', owner);
    const members = await call(api.url, 'GET', '/tenants/teams/security/members', owner);
    expect(members.body).toEqual({
      members: [
        { kind: 'User', name: 'bob@techcorp.com', role: 'team_lead' },
        { kind: 'Group', name: 'sec-engineers', role: 'team_member' },
      ],
    });
    const path = '/tenants/teams/security/members/users/bob@techcorp.com';
    expect((await call(api.url, 'DELETE', path, owner)).status).toBe(204);
    expect((await call(api.url, 'DELETE', path, owner)).status).toBe(404);
    const after = await call(api.url, 'GET', '/tenants/teams/security', owner);
    expect((after.body as TeamView).members).toEqual([
      { kind: 'Group', name: 'sec-engineers', role: 'team_member' },
    ]);
    const invalid = await call(api.url, 'PATCH', '/tenants/teams/security', owner, {
      agent_categories: ['magic'],
    });
    expect(invalid.status).toBe(400);
    expect((await call(api.url, 'DELETE', '/tenants/teams/security', owner)).status).toBe(204);
    expect((await call(api.url, 'GET', '/tenants/teams/security', owner)).status).toBe(404);
  });

  it('lets team leads manage the teams they lead, and team members only read them', async () => {
    await setMembership(org, eveId, 'team_member');
    const member = await eve.token(org);
    expect((await call(api.url, 'GET', '/tenants/teams', member)).status).toBe(200);
    expect((await call(api.url, 'POST', '/tenants/teams', member, { name: 'Members Team' })).status).toBe(
      403,
    );
    await setMembership(org, eveId, 'read_only');
    const reader = await eve.token(org);
    expect((await call(api.url, 'GET', '/tenants/teams/devops-team', reader)).status).toBe(200);
    const put = '/tenants/teams/devops-team/members/users/eve@startupco.io';
    expect((await call(api.url, 'PUT', put, reader, { role: 'team_lead' })).status).toBe(403);
    // A team lead manages only the Teams they lead: not a new one, nor one they would join as its lead.
    await setMembership(org, eveId, 'team_lead');
    const lead = await eve.token(org);
    const created = await call(api.url, 'POST', '/tenants/teams', lead, { name: 'Leads Team' });
    expect(created.status, created.text).toBe(403);
    expect((await call(api.url, 'PUT', put, lead, { role: 'team_lead' })).status).toBe(403);
    expect((await call(api.url, 'GET', '/tenants/teams/devops-team/members', lead)).text).not.toContain(
      'eve@startupco.io',
    );
    // Positive control: a team lead made its lead by the owner manages it (with a token issued
    // since). erin, not eve: a Team names a User by verified email, and eve's is not verified.
    const erin = await signedIn(api.url, 'erin@startupco.io');
    await setMembership(org, erin.userId, 'team_lead');
    const erinPath = '/tenants/teams/devops-team/members/users/erin@startupco.io';
    expect((await call(api.url, 'PUT', erinPath, owner, { role: 'team_lead' })).status).toBe(200);
    const leading = await erin.browser.token(org);
    const colleague = '/tenants/teams/devops-team/members/users/colleague@startupco.io';
    expect((await call(api.url, 'PUT', colleague, leading, { role: 'team_member' })).status).toBe(200);
  });

  it('keeps another organization’s teams out of reach', async () => {
    const path = '/tenants/teams/secret-team';
    const hidden = await call(api.url, 'GET', path, owner);
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain('Secret Team');
    expect((await call(api.url, 'PATCH', path, owner, { name: 'Mine' })).status).toBe(404);
    expect((await call(api.url, 'DELETE', path, owner)).status).toBe(404);
    // Switching to the other organization is refused: carol does not belong to it.
    const switched = await call(api.url, 'GET', path, owner, undefined, {
      'x-org-id': foreignOrg.metadata.name,
    });
    expect(switched.status).toBe(403);
    const list = await call(api.url, 'GET', '/tenants/teams', owner);
    expect(list.text).not.toContain('secret-team');
    // Positive control: a super admin in that organization sees it.
    const root = await (await signedIn(api.url, 'root@guardian.local')).browser.token();
    expect((await call(api.url, 'GET', path, root)).status).toBe(403);
    const asRoot = await call(api.url, 'GET', path, root, undefined, {
      'x-org-id': foreignOrg.metadata.name,
    });
    expect(asRoot.status).toBe(200);
  });

  it('says 409 when a member it would remove was set by another field manager (kubectl apply)', async () => {
    const applied = team(org, 'kubectl-team', {
      displayName: 'Kubectl Team',
      members: [{ kind: 'User', name: 'kept@startupco.io', role: 'team_member' }],
    });
    try {
      await api.apply(applied);
      const path = '/tenants/teams/kubectl-team/members/users/kept@startupco.io';
      const refused = await call(api.url, 'DELETE', path, owner);
      expect(refused.status, refused.text).toBe(409);
      // A member the API added, the API removes.
      const added = '/tenants/teams/kubectl-team/members/users/added@startupco.io';
      expect((await call(api.url, 'PUT', added, owner)).status).toBe(200);
      expect((await call(api.url, 'DELETE', added, owner)).status).toBe(204);
    } finally {
      await deleteAll(applied);
    }
  });

  it('answers 409 while the organization is not provisioned', async () => {
    const token = await carol.token(newOrg.metadata.name);
    const response = await call(api.url, 'POST', '/tenants/teams', token, { name: 'Early' });
    expect(response.status, response.text).toBe(409);
  });
});
