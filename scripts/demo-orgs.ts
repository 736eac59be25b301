// The demo organizations of `make dev`: techcorp (enterprise plan, its own SSO through the dev
// IdP's techcorp issuer, owner alice) and startupco (starter plan, owner carol, domain
// startupco.io), with what the platform needs to log techcorp's people in. Both are backed up daily
// at 03:00 UTC into their buckets on the stack's S3 server, the last 7 kept.

import { API_VERSION } from '@guardian/crds/kinds';
import { poll } from '@guardian/kube/poll';
import * as k8s from '@kubernetes/client-node';
import { platformOrgSecretAccess } from './rbac-manifests.ts';

const apiVersion = API_VERSION;
const SSO_SECRET = 'techcorp-sso';
const DAILY = { schedule: '0 3 * * *', retention: 7 };

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

/**
 * Applies the demo organizations, then (once the operator has made `org-techcorp`) techcorp's SSO
 * client secret and the platform's permission to read it, which the operator is to grant later.
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
  const namespaceExists = () =>
    core.readNamespace({ name: 'org-techcorp' }).then(
      () => true,
      () => false,
    );
  if (!(await poll(namespaceExists, { timeoutMs: 30_000, intervalMs: 200 }))) {
    console.warn(
      '[dev] org-techcorp did not appear (is the operator running?); techcorp SSO logins will fail',
    );
    return;
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
}
