import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { seatsUsed } from '../../platform/src/quota/index.ts';
import { InvitationStore } from '../../platform/src/stores/InvitationStore.ts';
import { MembershipStore } from '../../platform/src/stores/MembershipStore.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { uniqueName } from '../support/kube.ts';
import {
  Browser,
  call,
  createUser,
  organization,
  quotaPolicy,
  setMembership,
  signedIn,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

const techcorpIssuer = stackEnv('OIDC_ISSUER_TECHCORP');

describe('platform seats: the plan’s teamMembers, enforced when someone joins', () => {
  const seatsPlan = quotaPolicy(uniqueName('it-plan-seats'), {
    displayName: 'two seats',
    teamMembers: 2,
    features: { sso: true },
  });
  // Domain signup through techcorp's own identity provider (bob@techcorp.com is verified there).
  const full = organization(uniqueName('it-seats'), {
    plan: seatsPlan.metadata.name,
    domains: ['techcorp.com'],
    sso: {
      issuer: techcorpIssuer,
      clientId: stackEnv('OIDC_CLIENT_ID'),
      clientSecretRef: { name: 'sso-client' },
    },
  });
  const orgId = full.metadata.name;
  const db = connect(stackEnv('DATABASE_URL'), { max: 20 });
  const ghosts: string[] = [];

  const membership = async (userId: string) =>
    withTenant(db, { orgId }, (trx) => trx('memberships').where({ org_id: orgId, user_id: userId }).first());

  // Registered before the platform's setup, so it runs first: the seats are taken before the
  // organization exists, where no other test's login can take one.
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const ghost = await createUser();
      await setMembership(orgId, ghost, 'team_member');
      ghosts.push(ghost);
    }
  });
  afterAll(() => db.destroy());
  const api = platformSuite({ plans: [seatsPlan], organizations: [full], ssoSecrets: [orgId] });

  it('refuses a domain signup when every seat is taken, audits it, and admits the user once one is free', async () => {
    const bob = new Browser(api.url);
    const refused = await bob.login('bob@techcorp.com', orgId);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((refused.body as { detail: string }).detail).toMatch(
      new RegExp(`^All 2 seats of organization ${orgId} are taken`),
    );
    expect(bob.cookie('guardian_session')).toBeUndefined();
    const user = await db('users').where({ issuer: techcorpIssuer, email: 'bob@techcorp.com' }).first('id');
    const bobId = (user as { id: string }).id;
    expect(await membership(bobId)).toBeUndefined();
    expect(await seatsUsed(db, orgId)).toBe(2);
    const refusals = await api.platform.governance.audit.list(orgId, {
      action: 'member.join.refused',
      limit: 10,
    });
    expect(refusals.entries.find((e) => e.target === bobId)).toMatchObject({
      actor: bobId,
      detail: {
        via: 'domain',
        seat_limit: 2,
        role: 'team_member',
        email: 'bob@techcorp.com',
        reason: 'no free seat',
      },
    });

    // Positive control: a seat comes free, and the same login is admitted.
    await withTenant(db, { orgId }, (trx) =>
      trx('memberships').where({ org_id: orgId, user_id: ghosts[0] }).delete(),
    );
    const admitted = await new Browser(api.url).login('bob@techcorp.com', orgId);
    expect(admitted.status, admitted.text).toBe(200);
    expect((admitted.body as { tenant_context: unknown }).tenant_context).toMatchObject({
      org_id: orgId,
      role: 'team_member',
    });
    expect(await membership(bobId)).toMatchObject({ role: 'team_member', source: 'domain' });
    expect(await seatsUsed(db, orgId)).toBe(2);
    const joined = await api.platform.governance.audit.list(orgId, { action: 'member.joined', limit: 10 });
    expect(joined.entries.map((e) => [e.actor, e.target])).toContainEqual([bobId, bobId]);
    const { browser: root } = await signedIn(api.url, 'root@guardian.local');
    const verified = await call(api.url, 'GET', '/audit/verify', await root.token(), undefined, {
      'x-org-id': orgId,
    });
    expect(verified.body).toMatchObject({ ok: true, problems: [] });
  });

  it('lets concurrent joins and invitations take exactly the free seats', async () => {
    const org = uniqueName('it-seats-race');
    const memberships = new MembershipStore(db);
    const invitations = new InvitationStore(db);
    const inviter = await createUser();
    const users = await Promise.all(Array.from({ length: 20 }, () => createUser()));
    const outcomes = await Promise.all([
      ...users.map((userId) => memberships.addIfAbsent(org, userId, 'team_member', 'domain', 4)),
      ...users.map((_, i) =>
        invitations.create(
          org,
          {
            id: randomBytes(16).toString('hex'),
            email: `race-${i}@example.com`,
            role: 'read_only',
            invitedBy: inviter,
            expiresAt: new Date(Date.now() + 3_600_000),
          },
          4,
        ),
      ),
    ]);
    expect(outcomes.filter((outcome) => outcome !== 'no-seat')).toHaveLength(4);
    expect(outcomes.filter((outcome) => outcome === 'no-seat')).toHaveLength(36);
    expect(await seatsUsed(db, org)).toBe(4);
    // Without a limit every one is admitted (the limit, not the lock, refused the others).
    const unlimited = uniqueName('it-seats-race');
    const admitted = await Promise.all(
      users.map((userId) => memberships.addIfAbsent(unlimited, userId, 'team_member', 'domain', null)),
    );
    expect(admitted).toEqual(users.map(() => 'added'));
  });
});
