import type { Organization } from '@guardian/crds/generated';
import type { OwnerReference } from '@guardian/crds/meta';
import type { Wire } from '@guardian/kube/resources';
import type { OrgRole } from '@guardian/platform/rbac';
import { ORG_ROLES } from '@guardian/platform/rbac';
import { STORAGE_SECRET } from '@guardian/platform/storage';
import { DATABASE_SECRET } from '@guardian/platform/tenant-db';
import type { V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import {
  AGENT_SERVICE_ACCOUNT,
  childMetadata,
  controlNamespace,
  managedLabels,
  ownedBy,
} from '../tenancy/names.ts';
import { AGENT_ROLE, clusterRoleName, IMPERSONATOR_ROLE, WORKLOAD_READER } from '../tenancy/roles.ts';

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** People as the apiserver's OIDC authenticator names them (`oidc:` by default). */
export function personSubject(kind: 'User' | 'Group', name: string, prefix: string): Subject {
  return { kind, name: `${prefix}${name}`, apiGroup: 'rbac.authorization.k8s.io' };
}

/** Who holds each organization role according to the Organization: owners and SSO group mappings. */
export function organizationSubjects(org: Organization, prefix: string): Record<OrgRole, Subject[]> {
  const byRole = Object.fromEntries(ORG_ROLES.map((role) => [role, [] as Subject[]])) as Record<
    OrgRole,
    Subject[]
  >;
  for (const owner of org.spec.owners ?? [])
    byRole.org_owner.push(personSubject(owner.kind, owner.name, prefix));
  for (const mapping of org.spec.sso?.groupRoles ?? [])
    byRole[mapping.role].push(personSubject('Group', mapping.group, prefix));
  return byRole;
}

export function roleBinding(
  org: Organization,
  name: string,
  namespace: string,
  clusterRole: string,
  subjects: Subject[],
  extraLabels: Record<string, string> = {},
  ownerReferences: OwnerReference[] = ownedBy(org),
): Wire<V1RoleBinding> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name,
      namespace,
      labels: managedLabels(org.metadata?.name ?? '', extraLabels),
      ownerReferences,
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
    subjects,
  };
}

/** Role bindings in the control namespace, one per organization role that anybody holds. */
export function desiredPeopleBindings(org: Organization, prefix: string): Wire<V1RoleBinding>[] {
  const namespace = controlNamespace(org.metadata?.name ?? '');
  return Object.entries(organizationSubjects(org, prefix))
    .filter(([, subjects]) => subjects.length > 0)
    .map(([role, subjects]) =>
      roleBinding(
        org,
        `guardian-${role.replace('_', '-')}`,
        namespace,
        clusterRoleName(role as OrgRole),
        subjects,
      ),
    );
}

/** In a workload namespace: everybody in the organization reads it; so does the agent. */
export function desiredWorkloadBindings(
  org: Organization,
  namespace: string,
  prefix: string,
): Wire<V1RoleBinding>[] {
  const orgName = org.metadata?.name ?? '';
  const people = Object.values(organizationSubjects(org, prefix)).flat();
  const agent: Subject = {
    kind: 'ServiceAccount',
    name: AGENT_SERVICE_ACCOUNT,
    namespace: controlNamespace(orgName),
  };
  return [
    ...(people.length ? [roleBinding(org, 'guardian-people', namespace, WORKLOAD_READER, people)] : []),
    roleBinding(org, 'guardian-agent', namespace, AGENT_ROLE, [agent]),
  ];
}

export function desiredAgentServiceAccount(org: Organization): Wire<V1ServiceAccount> {
  const namespace = controlNamespace(org.metadata?.name ?? '');
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: childMetadata(org, AGENT_SERVICE_ACCOUNT, namespace),
    automountServiceAccountToken: false,
  };
}

export const PLATFORM_SECRET_ACCESS = 'guardian-platform-secrets';

/**
 * Lets Guardian's platform read the organization's tenant database Secret and, with `spec.sso`, its
 * SSO client secret, and only those: a Role limited to them by name, bound to the platform's
 * ServiceAccount.
 */
export function desiredPlatformSecretAccess(
  org: Organization,
  platform: { namespace: string; serviceAccount: string },
): { role: Wire<V1Role>; binding: Wire<V1RoleBinding> } {
  const sso = org.spec.sso?.clientSecretRef.name;
  // spec.sso.clientSecretRef may not name the database Secret (CEL), so the two never coincide.
  // The storage Secret: the platform measures the bucket for the storage quota and restores backups.
  const secrets = [DATABASE_SECRET, STORAGE_SECRET, ...(sso && sso !== STORAGE_SECRET ? [sso] : [])];
  const namespace = controlNamespace(org.metadata?.name ?? '');
  const role: Wire<V1Role> = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: childMetadata(org, PLATFORM_SECRET_ACCESS, namespace),
    rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: secrets, verbs: ['get'] }],
  };
  const binding: Wire<V1RoleBinding> = {
    ...roleBinding(org, PLATFORM_SECRET_ACCESS, namespace, '', [
      { kind: 'ServiceAccount', name: platform.serviceAccount, namespace: platform.namespace },
    ]),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: PLATFORM_SECRET_ACCESS },
  };
  return { role, binding };
}

export const IMPERSONATION_BINDING = 'guardian-tenant-impersonator';

/** A ServiceAccount of Guardian's own, by namespace and name. */
export interface ServiceAccountRef {
  namespace: string;
  serviceAccount: string;
}

/**
 * Lets the platform and the operator act as the organization's agent and remediator
 * (`guardian:tenant-impersonator`, bound where those ServiceAccounts live): the apiserver then
 * judges every read of an agent run by that organization's RBAC, not by Guardian's code.
 */
export function desiredImpersonation(
  org: Organization,
  impersonators: ServiceAccountRef[],
): Wire<V1RoleBinding> {
  const subjects: Subject[] = impersonators.map(({ namespace, serviceAccount }) => ({
    kind: 'ServiceAccount',
    name: serviceAccount,
    namespace,
  }));
  // The same identity given twice (the platform and the operator in one ServiceAccount) is bound once.
  const unique = subjects.filter(
    (subject, index) =>
      subjects.findIndex((s) => s.name === subject.name && s.namespace === subject.namespace) === index,
  );
  return roleBinding(
    org,
    IMPERSONATION_BINDING,
    controlNamespace(org.metadata?.name ?? ''),
    IMPERSONATOR_ROLE,
    unique,
  );
}
