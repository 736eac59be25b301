import type { Organization, Team, TeamMember } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import type { Membership } from '../stores/MembershipStore.ts';
import { AccessService, type Identity, type OrganizationView } from './AccessService.ts';

const DEFAULT = 'https://idp.example/default';
const TECHCORP = 'https://idp.example/techcorp';

const org = (name: string, spec: Partial<Organization['spec']>): Organization => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'Organization',
  metadata: { name },
  spec: { displayName: name, plan: 'starter', ...spec },
});

/** The directory's rules, over a fixed list; `ssoPlans` are the plans with the sso feature. */
function directory(orgs: Organization[], ssoPlans: string[] = ['enterprise']): OrganizationView {
  const ssoEnabled = (o: Organization) => o.spec.sso !== undefined && ssoPlans.includes(o.spec.plan);
  return {
    list: () => orgs,
    get: (id) => orgs.find((o) => o.metadata?.name === id),
    plan: (o) =>
      o.spec.plan === 'two-seats'
        ? { apiVersion: 'guardian.aiops.dev/v1alpha1', kind: 'QuotaPolicy', spec: { teamMembers: 2 } }
        : undefined,
    ssoEnabled,
    trustedIssuer: (o, fallback) => (o.spec.sso && ssoEnabled(o) ? o.spec.sso.issuer : fallback),
    claimingDomain: (domain) => orgs.filter((o) => (o.spec.domains ?? []).includes(domain)),
  };
}

function service(
  orgs: Organization[],
  memberships: Membership[] = [],
  superAdmins: string[] = [],
  teams: Team[] = [],
) {
  const added: Membership[] = [];
  const access = new AccessService({
    directory: directory(orgs),
    teams: { list: (orgId) => teams.filter((t) => t.metadata?.namespace === `org-${orgId}`) },
    memberships: {
      forUser: async (userId) => [...memberships, ...added].filter((m) => m.userId === userId),
      addIfAbsent: async (orgId, userId, role, source, seatLimit) => {
        const taken = [...memberships, ...added].filter((m) => m.orgId === orgId);
        if (taken.some((m) => m.userId === userId)) return 'member';
        if (seatLimit !== null && taken.length >= seatLimit) return 'no-seat';
        added.push({ orgId, userId, role, source });
        return 'added';
      },
    },
    defaultIssuer: DEFAULT,
    superAdmins,
  });
  return { access, added };
}

const person = (overrides: Partial<Identity>): Identity => ({
  userId: 'u1',
  issuer: DEFAULT,
  email: 'carol@startupco.io',
  emailVerified: true,
  groups: [],
  ...overrides,
});

const sso = { issuer: TECHCORP, clientId: 'guardian', clientSecretRef: { name: 's' } };

describe('AccessService', () => {
  it('makes a verified email an owner, never an unverified one', async () => {
    const { access } = service([
      org('startupco', { owners: [{ kind: 'User', name: 'Carol@StartupCo.io' }] }),
    ]);
    expect((await access.access(person({}))).orgs).toEqual({ startupco: 'org_owner' });
    expect((await access.access(person({ emailVerified: false }))).orgs).toEqual({});
  });

  it('counts emails and groups only from the organization’s own issuer when it has SSO', async () => {
    const techcorp = org('techcorp', {
      plan: 'enterprise',
      owners: [{ kind: 'User', name: 'alice@techcorp.com' }],
      sso: { ...sso, groupRoles: [{ group: 'devs', role: 'team_lead' }] },
    });
    const { access } = service([techcorp]);
    const alice = person({ email: 'alice@techcorp.com' });
    expect((await access.access({ ...alice, issuer: TECHCORP })).orgs).toEqual({ techcorp: 'org_owner' });
    expect((await access.access(alice)).orgs).toEqual({});
    expect(
      (await access.access(person({ issuer: TECHCORP, email: 'bob@techcorp.com', groups: ['devs'] }))).orgs,
    ).toEqual({
      techcorp: 'team_lead',
    });
  });

  it('ignores group role mappings when the plan lacks SSO', async () => {
    const { access } = service([
      org('nosso', { plan: 'starter', sso: { ...sso, groupRoles: [{ group: 'devs', role: 'org_admin' }] } }),
    ]);
    expect((await access.access(person({ groups: ['devs'] }))).orgs).toEqual({});
    expect((await access.access(person({ issuer: TECHCORP, groups: ['devs'] }))).orgs).toEqual({});
  });

  it('takes the highest of owner entry, group mapping and membership, and leaves out suspended orgs', async () => {
    const orgs = [
      org('a', { owners: [{ kind: 'Group', name: 'owners' }] }),
      org('b', {}),
      org('c', { suspended: true, owners: [{ kind: 'Group', name: 'owners' }] }),
    ];
    const memberships: Membership[] = [
      { orgId: 'a', userId: 'u1', role: 'read_only', source: 'manual' },
      { orgId: 'b', userId: 'u1', role: 'team_lead', source: 'invitation' },
      { orgId: 'gone', userId: 'u1', role: 'org_admin', source: 'manual' },
    ];
    const { access } = service(orgs, memberships);
    expect((await access.access(person({ groups: ['owners'] }))).orgs).toEqual({
      a: 'org_owner',
      b: 'team_lead',
    });
  });

  it('signs up verified emails by domain as team members, and refuses unverified ones', async () => {
    const { access, added } = service([org('startupco', { domains: ['startupco.io'] })]);
    expect(await access.signUpByDomain(person({ email: 'eve@startupco.io', emailVerified: false }))).toEqual({
      joins: [],
      refusedUnverified: ['startupco'],
    });
    expect(added).toEqual([]);
    const carol = person({});
    expect((await access.signUpByDomain(carol)).joins).toEqual([
      {
        orgId: 'startupco',
        userId: 'u1',
        email: 'carol@startupco.io',
        role: 'team_member',
        via: 'domain',
        admitted: true,
        seatLimit: null,
      },
    ]);
    expect(added).toEqual([{ orgId: 'startupco', userId: 'u1', role: 'team_member', source: 'domain' }]);
    expect((await access.access(carol)).orgs).toEqual({ startupco: 'team_member' });
    // A second login joins nothing new.
    expect((await access.signUpByDomain(carol)).joins).toEqual([]);
  });

  it('refuses a domain signup when the plan’s seats are taken, and admits one with a free seat', async () => {
    const full = org('full', { plan: 'two-seats', domains: ['startupco.io'] });
    const taken = ['a', 'b'].map((userId) => ({
      orgId: 'full',
      userId,
      role: 'team_member' as const,
      source: 'manual' as const,
    }));
    const { access, added } = service([full], taken);
    const [refused] = (await access.signUpByDomain(person({}))).joins;
    expect(refused).toMatchObject({ orgId: 'full', admitted: false, seatLimit: 2 });
    expect(added).toEqual([]);
    const { access: roomy } = service([full], taken.slice(0, 1));
    const [admitted] = (await roomy.signUpByDomain(person({}))).joins;
    expect(admitted).toMatchObject({ orgId: 'full', admitted: true, seatLimit: 2 });
  });

  it('finds the user’s Teams by verified email or group, as the organization’s issuer asserts them', async () => {
    const team = (orgId: string, name: string, members: Team['spec']['members']): Team => ({
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Team',
      metadata: { name, namespace: `org-${orgId}` },
      spec: { displayName: name, members },
    });
    const startupco = org('startupco', { owners: [{ kind: 'Group', name: 'startupco-staff' }] });
    const teams = [
      team('startupco', 'platform', [{ kind: 'User', name: 'Erin@StartupCo.io', role: 'team_member' }]),
      team('startupco', 'sre', [{ kind: 'Group', name: 'oncall', role: 'team_lead' }]),
      team('startupco', 'data', [{ kind: 'User', name: 'someone@startupco.io' }]),
      team('elsewhere', 'platform', [{ kind: 'User', name: 'erin@startupco.io' }]),
    ];
    const { access } = service([startupco, org('elsewhere', {})], [], [], teams);
    const erin = person({ email: 'erin@startupco.io', groups: ['startupco-staff', 'oncall'] });
    expect((await access.access(erin)).teams).toEqual({ startupco: ['platform', 'sre'] });
    // An unverified email names no User member; the group still counts.
    expect((await access.access({ ...erin, emailVerified: false })).teams).toEqual({ startupco: ['sre'] });
    // Another issuer's claims name nobody here (and make the user no member at all).
    expect((await access.access({ ...erin, issuer: TECHCORP })).teams).toEqual({});
  });

  it('carries the user’s role in each Team: the highest of the entries that name them', async () => {
    const team = (name: string, members: TeamMember[]): Team => ({
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Team',
      metadata: { name, namespace: 'org-startupco' },
      spec: { displayName: name, members },
    });
    const teams = [
      team('platform', [{ kind: 'User', name: 'erin@startupco.io', role: 'team_lead' }]),
      team('sre', [
        { kind: 'User', name: 'erin@startupco.io' },
        { kind: 'Group', name: 'oncall', role: 'team_lead' },
      ]),
      team('search', [
        { kind: 'User', name: 'erin@startupco.io', role: 'read_only' },
        { kind: 'Group', name: 'others', role: 'team_lead' },
      ]),
    ];
    const startupco = org('startupco', { owners: [{ kind: 'Group', name: 'staff' }] });
    const { access } = service([startupco], [], [], teams);
    const erin = person({ email: 'erin@startupco.io', groups: ['staff', 'oncall'] });
    await expect(access.access(erin)).resolves.toMatchObject({
      teams: { startupco: ['platform', 'sre', 'search'] },
      teamRoles: { startupco: { platform: 'team_lead', sre: 'team_lead', search: 'read_only' } },
    });
    await expect(access.access({ ...erin, groups: ['staff'] })).resolves.toMatchObject({
      teamRoles: { startupco: { platform: 'team_lead', sre: 'team_member', search: 'read_only' } },
    });
  });

  it('makes super admins only of verified emails at the default issuer', () => {
    const { access } = service([], [], ['root@guardian.local']);
    const root = person({ email: 'root@guardian.local' });
    expect(access.isSuperAdmin(root)).toBe(true);
    expect(access.isSuperAdmin({ ...root, issuer: TECHCORP })).toBe(false);
    expect(access.isSuperAdmin({ ...root, emailVerified: false })).toBe(false);
  });
});
