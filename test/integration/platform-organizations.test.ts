import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { consume } from '../../platform/src/quota/index.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import { operatorSuite, SUITE_LABEL } from '../support/operator-suite.ts';
import {
  type Browser,
  call,
  organization,
  platformKubeconfig,
  quotaPolicy,
  setMembership,
  signedIn,
  startPlatform,
  until,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';
import { readOrganization } from '../support/tenancy.ts';

interface Org {
  org_id: string;
  name: string;
  domains: string[];
  plan_type: string;
  owners: { kind: string; name: string }[];
  ready: boolean;
}

describe('platform organizations API', () => {
  const planName = uniqueName('it-plan');
  const limitedPlan = quotaPolicy(planName, {
    displayName: 'Limited',
    teamMembers: 5,
    workflowsPerMonth: 50,
    features: { sso: false },
  });
  // An organization carol does not belong to: its id must reveal nothing to her.
  const foreign = organization(uniqueName('it-foreign'), {
    plan: planName,
    owners: [{ kind: 'Group', name: 'nobody-here' }],
  });
  const api = platformSuite({ plans: [limitedPlan], organizations: [foreign] });
  // What the API creates carries no suite's label: this suite's operator takes exactly those.
  const suite = operatorSuite({ suite: 'platform-organizations', selector: `!${SUITE_LABEL}` });
  let root: string;
  let carol: Browser;
  let carolToken: string;
  let eveId: string;
  let eve: Browser;

  beforeAll(async () => {
    root = await (await signedIn(api.url, 'root@guardian.local')).browser.token();
    carol = (await signedIn(api.url, 'carol@startupco.io')).browser;
    carolToken = await carol.token();
    ({ browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io'));
  });

  const create = async (token: string, body: Record<string, unknown>) => {
    const response = await call(api.url, 'POST', '/tenants/organizations', token, body);
    const id = (response.body as Org | undefined)?.org_id;
    // Deleted after the tests while the operator still runs (it holds them by a finalizer).
    if (id) suite.track(id);
    return response;
  };
  /** A new organization owned by carol, created by a super admin; its id. */
  const carolsNewOrganization = async (prefix: string, name: string) => {
    const id = uniqueName(prefix);
    await create(root, { name, owner_email: 'carol@startupco.io', plan_type: planName, org_id: id });
    return id;
  };

  it('creates an organization as the seed shows, 201 once the operator reports it Ready', async () => {
    const id = uniqueName('it-seed');
    const response = await create(root, {
      name: 'TechCorp Enterprise',
      domain: `${id}.example.com`,
      owner_email: 'carol@startupco.io',
      plan_type: planName,
      org_id: id,
    });
    expect(response.status, response.text).toBe(201);
    expect(response.headers.get('location')).toBe(`/tenants/organizations/${id}`);
    expect(response.body).toMatchObject({
      org_id: id,
      name: 'TechCorp Enterprise',
      domains: [`${id}.example.com`],
      plan_type: planName,
      owners: [{ kind: 'User', name: 'carol@startupco.io' }],
      ready: true,
    });
    const cr = await readOrganization(id);
    expect(cr.spec).toMatchObject({ displayName: 'TechCorp Enterprise', plan: planName });
    const meta = cr.metadata as { managedFields?: { manager: string; operation: string }[] } | undefined;
    const managers = (meta?.managedFields ?? []).map((entry) => [entry.manager, entry.operation]);
    expect(managers).toContainEqual(['guardian-platform', 'Apply']);
    // The owner named in owner_email is the owner: her next token holds the new organization.
    const token = await carol.token(id);
    const mine = await call(api.url, 'GET', `/tenants/organizations/${id}`, token);
    expect(mine.status).toBe(200);
  });

  it('derives org_id from the name, and answers 202 with Location when not Ready in time', async () => {
    const name = `It Pending ${Date.now().toString(36)} -- Ltd`;
    // A plan that does not exist is reported, never defaulted: the organization cannot get Ready.
    const response = await create(root, {
      name,
      owner_email: 'carol@startupco.io',
      plan_type: 'it-no-such-plan',
    });
    expect(response.status, response.text).toBe(202);
    const id = (response.body as Org).org_id;
    expect(id).toMatch(/^it-pending-[a-z0-9]+-ltd$/);
    expect(id).not.toContain('--');
    expect(response.headers.get('location')).toBe(`/tenants/organizations/${id}`);
    const polled = await call(api.url, 'GET', `/tenants/organizations/${id}`, root);
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ org_id: id, ready: false });
  }, 30_000);

  it('refuses bad input with the failing fields, and a taken org_id with 409', async () => {
    const invalid = await create(root, {
      name: 'X',
      domain: 'Not A Domain',
      owner_email: 'nope',
      plan_type: 'starter',
    });
    expect(invalid.status).toBe(400);
    expect(
      (invalid.body as { errors: { field: string }[] }).errors.map((error) => error.field).sort(),
    ).toEqual(['domain', 'owner_email']);
    const unknown = await create(root, {
      name: 'X',
      owner_email: 'a@b.io',
      plan_type: 'starter',
      admin: true,
    });
    expect(unknown.status).toBe(400);
    const taken = await create(root, {
      name: 'Again',
      owner_email: 'carol@startupco.io',
      plan_type: planName,
      org_id: foreign.metadata.name,
    });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('serializes concurrent creates of one org_id: one 201, the rest 409, and the first one’s owners stay', async () => {
    const id = uniqueName('it-race');
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        create(root, {
          name: `Race ${i}`,
          owner_email: `owner-${i}@race.example.com`,
          plan_type: planName,
          org_id: id,
        }),
      ),
    );
    const statuses = attempts.map((attempt) => attempt.status).sort();
    expect(statuses, attempts.map((attempt) => attempt.text).join('\n')).toEqual([
      201,
      ...Array(7).fill(409),
    ]);
    const winner = attempts.find((attempt) => attempt.status === 201)?.body as Org;
    expect(winner.owners).toHaveLength(1);
    const stored = await readOrganization(id);
    expect(stored.spec).toMatchObject({ displayName: winner.name, owners: winner.owners });
    for (const loser of attempts.filter((attempt) => attempt.status === 409)) {
      expect(loser.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(loser.body).toMatchObject({ status: 409, detail: `Organization ${id} already exists` });
    }
  }, 30_000);

  it('lets only super admins create organizations unless self-service signup is on', async () => {
    const body = { name: 'Carol Two', owner_email: 'carol@startupco.io', plan_type: planName };
    const refused = await create(carolToken, { ...body, org_id: uniqueName('it-self') });
    expect(refused.status).toBe(403);
    const selfService = await startPlatform({
      kubeconfig: await platformKubeconfig(api.namespace),
      env: { GUARDIAN_SELF_SERVICE_SIGNUP: 'true' },
    });
    try {
      const browser = (await signedIn(selfService.url, 'carol@startupco.io')).browser;
      const token = await browser.token();
      const post = (extra: Record<string, unknown>) =>
        call(selfService.url, 'POST', '/tenants/organizations', token, { ...body, ...extra });
      // Only super admins claim domains, and nobody signs up someone else.
      expect((await post({ org_id: uniqueName('it-self'), domain: 'startupco.io' })).status).toBe(403);
      expect((await post({ org_id: uniqueName('it-self'), owner_email: 'root@guardian.local' })).status).toBe(
        403,
      );
      const id = uniqueName('it-self');
      suite.track(id);
      const own = await post({ org_id: id });
      expect([201, 202], own.text).toContain(own.status);
      expect(own.body).toMatchObject({ org_id: id, owners: [{ kind: 'User', name: 'carol@startupco.io' }] });
      // An API key, even its owner's, is bound to its organization and signs up nobody.
      const keyed = await call(selfService.url, 'POST', '/tenants/api-keys', await browser.token(id), {
        name: 'ci',
        role: 'org_owner',
      });
      const key = (keyed.body as { key: string }).key;
      const byKey = await call(selfService.url, 'POST', '/tenants/organizations', key, {
        ...body,
        org_id: uniqueName('it-self'),
      });
      expect(byKey.status).toBe(403);
    } finally {
      await selfService.stop();
    }
  });

  it('lists every organization to a super admin and only their own to others', async () => {
    const id = await carolsNewOrganization('it-list', 'Listed');
    const all = await call(api.url, 'GET', '/tenants/organizations', root);
    const allIds = (all.body as { organizations: Org[] }).organizations.map((org) => org.org_id);
    expect(allIds).toContain(foreign.metadata.name);
    expect(allIds).toContain(id);
    const token = await carol.token();
    const hers = await call(api.url, 'GET', '/tenants/organizations', token);
    const herIds = (hers.body as { organizations: Org[] }).organizations.map((org) => org.org_id);
    expect(herIds).toContain(id);
    expect(herIds).not.toContain(foreign.metadata.name);
    // Another tenant's organization is the same 404 as one that does not exist.
    const other = await call(api.url, 'GET', `/tenants/organizations/${foreign.metadata.name}`, token);
    const missing = await call(api.url, 'GET', '/tenants/organizations/it-no-such-org', token);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.text).not.toContain('nobody-here');
    expect((await call(api.url, 'GET', `/tenants/organizations/${id}`, token)).status).toBe(200);
  });

  it('patches display name and owners as an owner; domains and plan only as a super admin', async () => {
    const id = await carolsNewOrganization('it-patch', 'Before');
    const token = await carol.token(id);
    const path = `/tenants/organizations/${id}`;
    const renamed = await call(api.url, 'PATCH', path, token, {
      name: 'After',
      branding: { productName: 'Carol Ops' },
      owners: [
        { kind: 'User', name: 'carol@startupco.io' },
        { kind: 'Group', name: 'carol-admins' },
      ],
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'After',
      owners: [{ name: 'carol@startupco.io' }, { name: 'carol-admins' }],
    });
    expect((await readOrganization(id)).spec.branding).toEqual({ productName: 'Carol Ops' });
    expect((await call(api.url, 'PATCH', path, token, { plan_type: 'starter' })).status).toBe(403);
    expect((await call(api.url, 'PATCH', path, token, { domains: ['carol.example.com'] })).status).toBe(403);
    const byRoot = await call(api.url, 'PATCH', path, root, { domains: [`${id}.example.com`] });
    expect(byRoot.status, byRoot.text).toBe(200);
    expect((byRoot.body as Org).domains).toEqual([`${id}.example.com`]);
    // Kubernetes validation (the CRD's CEL rule on colours) comes back as 400 naming the field.
    const badColour = await call(api.url, 'PATCH', path, token, { branding: { primaryColor: 'red' } });
    expect(badColour.status).toBe(400);
    expect((badColour.body as { errors: { field: string }[] }).errors[0]?.field).toBe(
      'branding.primaryColor',
    );
    // The tenant database's credentials are never an IdP's client secret (the IdP would be sent them).
    const leak = await call(api.url, 'PATCH', path, token, {
      sso: {
        issuer: 'https://idp.example.com',
        clientId: 'g',
        clientSecretRef: { name: 'guardian-database' },
      },
    });
    expect(leak.status, leak.text).toBe(400);
    expect((leak.body as { errors: { field: string }[] }).errors[0]?.field).toBe('sso.clientSecretRef.name');
    // Nobody leaves an organization without owners.
    expect((await call(api.url, 'PATCH', path, token, { owners: [] })).status).toBe(409);
  });

  it('lets an org_admin update settings but not owners (escalation), and a read_only nothing', async () => {
    const id = await carolsNewOrganization('it-admin', 'Admins');
    const path = `/tenants/organizations/${id}`;
    await setMembership(id, eveId, 'org_admin');
    const admin = await eve.token(id);
    expect((await call(api.url, 'PATCH', path, admin, { name: 'Renamed by admin' })).status).toBe(200);
    const escalate = await call(api.url, 'PATCH', path, admin, {
      owners: [{ kind: 'User', name: 'eve@startupco.io' }],
    });
    expect(escalate.status).toBe(403);
    // SSO decides who owns the organization (a group mapped to org_owner): it is owners' business too.
    const ssoEscalation = await call(api.url, 'PATCH', path, admin, {
      sso: {
        issuer: 'https://idp.example.com',
        clientId: 'guardian',
        clientSecretRef: { name: 'eve-idp' },
        groupRoles: [{ group: 'eve-friends', role: 'org_owner' }],
      },
    });
    expect(ssoEscalation.status, ssoEscalation.text).toBe(403);
    expect((await readOrganization(id)).spec.sso).toBeUndefined();
    expect((await call(api.url, 'DELETE', path, admin)).status).toBe(403);
    await setMembership(id, eveId, 'read_only');
    const reader = await eve.token(id);
    expect((await call(api.url, 'GET', path, reader)).status).toBe(200);
    expect((await call(api.url, 'PATCH', path, reader, { name: 'No' })).status).toBe(403);
  });

  it('closes a suspended organization to tokens issued before, whatever their current organization', async () => {
    const suspended = await carolsNewOrganization('it-susp', 'Suspended');
    const current = await carolsNewOrganization('it-curr', 'Current');
    // Issued while both were active: its orgs claim names both, its current organization is the other.
    const token = await carol.token(current);
    const path = `/tenants/organizations/${suspended}`;
    expect((await call(api.url, 'GET', path, token)).status).toBe(200);
    expect((await call(api.url, 'PATCH', path, root, { suspended: true })).status).toBe(200);
    await until(
      'the platform to see the suspension',
      () => api.platform.directory.get(suspended)?.spec.suspended === true,
    );
    for (const [method, route] of [
      ['GET', path],
      ['GET', `${path}/analytics`],
      ['PATCH', path],
      ['DELETE', path],
    ] as const) {
      const refused = await call(
        api.url,
        method,
        route,
        token,
        method === 'PATCH' ? { name: 'x' } : undefined,
      );
      expect(refused.status, `${method} ${route}`).toBe(403);
    }
    // A super admin still reaches it, to lift the suspension; then carol does again.
    expect((await call(api.url, 'GET', path, root)).status).toBe(200);
    expect((await call(api.url, 'PATCH', path, root, { suspended: false })).status).toBe(200);
    await until(
      'the platform to see it lifted',
      () => !api.platform.directory.get(suspended)?.spec.suspended,
    );
    expect((await call(api.url, 'GET', path, token)).status).toBe(200);
  });

  it('reports analytics: members, teams, plan limits (null for unlimited) and known usage', async () => {
    const id = await carolsNewOrganization('it-stats', 'Stats');
    await setMembership(id, eveId, 'team_member');
    const token = await carol.token(id);
    const stats = await call(api.url, 'GET', `/tenants/organizations/${id}/analytics`, token);
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body).toMatchObject({
      org_id: id,
      plan_type: planName,
      members: 1,
      owners: 1,
      teams: 0,
      limits: { team_members: 5, workflows_per_month: 50, agent_executions_per_month: null },
      quota: { team_members: { limit: 5, used: 1 }, workflows_per_month: { limit: 50, used: 0 } },
    });
    expect(typeof (stats.body as { note: string }).note).toBe('string');
    // Usage counted through the quota module and a pending invitation (a seat) show up.
    const { period } = stats.body as { period: string };
    const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
    try {
      await consume(db, id, 'workflows', `it-run-${id}`, 50, period);
      await withTenant(db, { orgId: id }, (trx) =>
        trx('invitations').insert({
          id: randomBytes(16).toString('hex'),
          org_id: id,
          email: 'pending@example.com',
          role: 'read_only',
          invited_by: eveId,
          expires_at: new Date(Date.now() + 3_600_000),
        }),
      );
    } finally {
      await db.destroy();
    }
    const after = await call(api.url, 'GET', `/tenants/organizations/${id}/analytics`, token);
    expect(after.body).toMatchObject({
      members: 1,
      quota: { team_members: { limit: 5, used: 2 }, workflows_per_month: { limit: 50, used: 1 } },
    });
    // team_member lacks analytics:read; another tenant's analytics are not found.
    expect(
      (await call(api.url, 'GET', `/tenants/organizations/${id}/analytics`, await eve.token(id))).status,
    ).toBe(403);
    const foreignStats = await call(
      api.url,
      'GET',
      `/tenants/organizations/${foreign.metadata.name}/analytics`,
      token,
    );
    expect(foreignStats.status).toBe(404);
  });

  it('deletes an organization only when confirmed, after a grace period in which it is read-only and restorable', async () => {
    const id = await carolsNewOrganization('it-delete', 'Doomed');
    const token = await carol.token(id);
    const path = `/tenants/organizations/${id}`;
    expect(
      (await call(api.url, 'DELETE', `/tenants/organizations/${foreign.metadata.name}`, token)).status,
    ).toBe(404);
    // Unconfirmed, or confirmed with another name: 400 with the reason, and nothing changes.
    for (const query of ['', '?confirm=', `?confirm=${foreign.metadata.name}`]) {
      const refused = await call(api.url, 'DELETE', `${path}${query}`, token);
      expect(refused.status, query).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ errors: [{ field: 'confirm' }] });
    }
    expect((await readOrganization(id)).spec.deletion).toBeUndefined();
    // An owner may not skip the grace period.
    expect((await call(api.url, 'DELETE', `${path}?confirm=${id}&immediately=true`, token)).status).toBe(403);

    const requested = await call(api.url, 'DELETE', `${path}?confirm=${id}`, token);
    expect(requested.status, requested.text).toBe(202);
    const requestedAt = (requested.body as { deletion: { requested_at: string } }).deletion.requested_at;
    expect(Math.abs(Date.parse(requestedAt) - Date.now())).toBeLessThan(60_000);
    // The operator schedules the deletion a grace period (7 days by default) later, and keeps everything.
    const scheduled = await eventually('the operator to schedule the deletion', async () => {
      const org = await readOrganization(id);
      return org.status?.deletionScheduledAt;
    });
    expect(Date.parse(scheduled) - Date.parse(requestedAt)).toBe(7 * 24 * 3600 * 1000);
    const shown = await call(api.url, 'GET', path, token);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ deletion: { requested_at: requestedAt, scheduled_at: scheduled } });

    // Read-only for its members meanwhile: a change of the organization and a write in it are refused.
    const renamed = await call(api.url, 'PATCH', path, token, { name: 'Renamed' });
    expect(renamed.status).toBe(403);
    expect(renamed.text).toContain('pending deletion');
    const team = await call(api.url, 'POST', '/tenants/teams', token, { team_id: 'ops', name: 'Ops' });
    expect(team.status).toBe(403);
    expect(team.text).toContain('pending deletion');
    // Asking again keeps the first date.
    const again = await call(api.url, 'DELETE', `${path}?confirm=${id}`, root, undefined, { 'x-org-id': id });
    expect(again.body).toMatchObject({ deletion: { requested_at: requestedAt } });

    // Restored by its owner: writable again, nothing scheduled.
    const restored = await call(api.url, 'POST', `${path}/restore`, token);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ deletion: null });
    expect((await call(api.url, 'POST', `${path}/restore`, token)).status).toBe(409);
    await eventually('the operator to drop the schedule', async () => {
      const org = await readOrganization(id);
      return org.spec.deletion === undefined && org.status?.deletionScheduledAt === undefined;
    });
    expect((await call(api.url, 'PATCH', path, token, { name: 'Kept' })).status).toBe(200);

    // A super admin may delete at once.
    const now = await call(api.url, 'DELETE', `${path}?confirm=${id}&immediately=true`, root);
    expect(now.status, now.text).toBe(202);
    await until('the organization to be gone from the platform', () => !api.platform.directory.get(id));
  });
});
