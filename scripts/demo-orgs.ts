// The demo organizations of `make dev`: techcorp (enterprise plan, its own SSO through the dev
// IdP's techcorp issuer, owner alice) and startupco (starter plan, owner carol, domain
// startupco.io, and its Team `platform`), with what the platform needs to log techcorp's people
// in, and startupco's other people (DESIGN.md, "Shared state, demo users"): dana read_only, erin
// a team_member of `platform` and frank its team_lead. Both are backed up daily at 03:00 UTC into
// their buckets on the stack's S3 server, the last 7 kept.

import { API_VERSION } from '@guardian/crds/kinds';
import { poll } from '@guardian/kube/poll';
import * as k8s from '@kubernetes/client-node';
import { connect } from '../platform/src/db.ts';
import type { OrgRole } from '../platform/src/rbac.ts';
import { MembershipStore } from '../platform/src/stores/MembershipStore.ts';
import { UserStore } from '../platform/src/stores/UserStore.ts';
import { USERS } from './idp/users.ts';
import { platformOrgSecretAccess } from './rbac-manifests.ts';

const apiVersion = API_VERSION;
const SSO_SECRET = 'techcorp-sso';
const DAILY = { schedule: '0 3 * * *', retention: 7 };

/** StartupCo's people besides carol: their role in the organization, and in its Team `platform`. */
export const STARTUPCO_PEOPLE: ReadonlyArray<{
  email: string;
  role: OrgRole;
  team?: 'team_lead' | 'team_member';
}> = [
  { email: 'dana@startupco.io', role: 'read_only' },
  { email: 'erin@startupco.io', role: 'team_member', team: 'team_member' },
  { email: 'frank@startupco.io', role: 'team_lead', team: 'team_lead' },
];

export function demoOrganizations(env: Record<string, string>) {
  return [
    {
      apiVersion,
      kind: 'Organization',
      metadata: { name: 'techcorp' },
      spec: {
        displayName: 'TechCorp Enterprise',
        plan: 'enterprise',
        domains: ['techcorp.com'],
        owners: [
          { kind: 'User', name: 'alice@techcorp.com' },
          { kind: 'Group', name: 'techcorp-platform-owners' },
        ],
        sso: {
          issuer: env.OIDC_ISSUER_TECHCORP ?? '',
          clientId: env.OIDC_CLIENT_ID ?? '',
          clientSecretRef: { name: SSO_SECRET },
          groupRoles: [{ group: 'techcorp-developers', role: 'team_member' }],
        },
        backup: DAILY,
      },
    },
    {
      apiVersion,
      kind: 'Organization',
      metadata: { name: 'startupco' },
      spec: {
        displayName: 'StartupCo',
        plan: 'starter',
        domains: ['startupco.io'],
        owners: [{ kind: 'User', name: 'carol@startupco.io' }],
        backup: DAILY,
      },
    },
  ];
}

export function demoTeams(orgId = 'startupco') {
  return [
    {
      apiVersion,
      kind: 'Team',
      metadata: { name: 'platform', namespace: `org-${orgId}` },
      spec: {
        displayName: 'Platform',
        description: 'Clusters, pipelines and the paved road',
        members: STARTUPCO_PEOPLE.flatMap(({ email, team }) =>
          team ? [{ kind: 'User', name: email, role: team }] : [],
        ),
      },
    },
  ];
}

/**
 * StartupCo's people as members of `orgId` with their roles: users (keyed by the default issuer
 * and their subject there, as their first login would make them) and membership rows. Run again,
 * it restores the demo roles. The tests use it for organizations of their own.
 */
export async function createDemoMemberships(
  databaseUrl: string,
  defaultIssuer: string,
  orgId = 'startupco',
): Promise<void> {
  const db = connect(databaseUrl, { max: 1 });
  try {
    const users = new UserStore(db);
    const memberships = new MembershipStore(db);
    for (const person of STARTUPCO_PEOPLE) {
      const known = USERS.default.find((user) => user.email === person.email);
      if (!known) throw new Error(`${person.email} is not a user of the development identity provider`);
      const user = await users.upsert({
        issuer: defaultIssuer,
        subject: known.sub,
        email: known.email,
        emailVerified: known.emailVerified,
        name: known.name,
      });
      // Demo data: no seat check (the starter plan has room for them and carol).
      await memberships.addIfAbsent(orgId, user.id, person.role, 'manual', null);
      await memberships.change(orgId, user.id, person.role, 1);
    }
  } finally {
    await db.destroy();
  }
}

/**
 * Applies the demo organizations, then (once the operator has made their namespaces) techcorp's
 * SSO client secret and the platform's permission to read it, which the operator is to grant
 * later, startupco's Team and its people's memberships.
 */
export async function createDemoOrganizations(
  admin: k8s.KubeConfig,
  env: Record<string, string>,
  platformNamespace: string,
): Promise<void> {
  const objects = k8s.KubernetesObjectApi.makeApiClient(admin);
  const apply = (object: k8s.KubernetesObject) =>
    objects.patch(object, undefined, undefined, 'guardian-dev', true, k8s.PatchStrategy.ServerSideApply);
  for (const org of demoOrganizations(env)) await apply(org);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const namespaceExists = (name: string) => () =>
    core.readNamespace({ name }).then(
      () => true,
      () => false,
    );
  await createDemoMemberships(env.DATABASE_URL ?? '', env.OIDC_ISSUER ?? '');
  for (const namespace of ['org-techcorp', 'org-startupco']) {
    if (!(await poll(namespaceExists(namespace), { timeoutMs: 30_000, intervalMs: 200 }))) {
      console.warn(
        `[dev] ${namespace} did not appear (is the operator running?); techcorp SSO logins and startupco's team will be missing`,
      );
      return;
    }
  }
  await apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SSO_SECRET, namespace: 'org-techcorp' },
    stringData: { 'client-secret': env.OIDC_CLIENT_SECRET ?? '' },
  } as k8s.KubernetesObject);
  for (const object of platformOrgSecretAccess('techcorp', SSO_SECRET, platformNamespace)) {
    await apply(object as k8s.KubernetesObject);
  }
  for (const team of demoTeams()) await apply(team as k8s.KubernetesObject);
}
