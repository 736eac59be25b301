// Guardian's objects as the apiserver hands them to the operator (uid, generation), for the unit
// tests of the pure builders: no I/O, no cluster.
import type {
  Organization,
  OrganizationSpec,
  QuotaPolicy,
  QuotaPolicySpec,
  Team,
  TeamSpec,
} from '@guardian/crds/generated';
import { API_VERSION } from '@guardian/crds/kinds';

export function anOrganization(name: string, spec: Partial<OrganizationSpec> = {}): Organization {
  return {
    apiVersion: API_VERSION,
    kind: 'Organization',
    metadata: { name, uid: `uid-${name}`, generation: 3 },
    spec: { displayName: name, plan: 'starter', ...spec },
  };
}

export function aPlan(name: string, spec: Partial<QuotaPolicySpec> = {}): QuotaPolicy {
  return {
    apiVersion: API_VERSION,
    kind: 'QuotaPolicy',
    metadata: { name, uid: `uid-${name}`, generation: 2 },
    spec: { displayName: name, ...spec },
  };
}

export function aTeam(org: string, name: string, spec: Partial<TeamSpec> = {}): Team {
  return {
    apiVersion: API_VERSION,
    kind: 'Team',
    metadata: { name, namespace: `org-${org}`, uid: `uid-team-${name}`, generation: 1 },
    spec: { displayName: name, ...spec },
  };
}

/** The controlling owner reference the operator sets on an organization's children. */
export function ownerReferenceOf(org: Organization) {
  return {
    apiVersion: API_VERSION,
    kind: 'Organization',
    name: org.metadata?.name ?? '',
    uid: org.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The labels of everything the operator makes for an organization. */
export const managedBy = (org: string) => ({
  'app.kubernetes.io/managed-by': 'guardian-operator',
  'guardian.aiops.dev/organization': org,
});

/** RBAC subjects for people as the apiserver's OIDC authenticator names them (prefix `oidc:`). */
export const oidcUser = (name: string) => ({
  kind: 'User',
  name: `oidc:${name}`,
  apiGroup: 'rbac.authorization.k8s.io',
});
export const oidcGroup = (name: string) => ({
  kind: 'Group',
  name: `oidc:${name}`,
  apiGroup: 'rbac.authorization.k8s.io',
});
export const roleRef = (name: string, kind: 'ClusterRole' | 'Role' = 'ClusterRole') => ({
  apiGroup: 'rbac.authorization.k8s.io',
  kind,
  name,
});
