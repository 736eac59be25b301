import { describe, expect, it } from 'vitest';
import {
  anOrganization,
  managedBy,
  oidcGroup,
  oidcUser,
  ownerReferenceOf,
  roleRef,
} from '../../../test/support/builders.ts';
import {
  desiredAgentServiceAccount,
  desiredImpersonation,
  desiredPeopleBindings,
  desiredPlatformSecretAccess,
  desiredWorkloadBindings,
  organizationSubjects,
  personSubject,
} from './organization.rbac.ts';

const acme = anOrganization('acme', {
  owners: [
    { kind: 'User', name: 'alice@acme.com' },
    { kind: 'Group', name: 'founders' },
  ],
  sso: {
    issuer: 'https://login.acme.com',
    clientId: 'guardian',
    clientSecretRef: { name: 'sso-client' },
    groupRoles: [
      { group: 'ops', role: 'org_admin' },
      { group: 'auditors', role: 'read_only' },
    ],
  },
});
const owned = (name: string, namespace: string) => ({
  name,
  namespace,
  labels: managedBy('acme'),
  ownerReferences: [ownerReferenceOf(acme)],
});

describe('organizationSubjects', () => {
  it('gives owners org_owner and each SSO group its mapped role, with the OIDC prefix', () => {
    expect(personSubject('User', 'a@b.c', 'sso:')).toEqual({
      kind: 'User',
      name: 'sso:a@b.c',
      apiGroup: 'rbac.authorization.k8s.io',
    });
    expect(organizationSubjects(acme, 'oidc:')).toEqual({
      org_owner: [oidcUser('alice@acme.com'), oidcGroup('founders')],
      org_admin: [oidcGroup('ops')],
      team_lead: [],
      team_member: [],
      read_only: [oidcGroup('auditors')],
    });
  });
});

describe('desiredPeopleBindings', () => {
  it('binds in the control namespace each organization role somebody holds, and no other', () => {
    expect(desiredPeopleBindings(acme, 'oidc:')).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: owned('guardian-org-owner', 'org-acme'),
        roleRef: roleRef('guardian:org_owner'),
        subjects: [oidcUser('alice@acme.com'), oidcGroup('founders')],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: owned('guardian-org-admin', 'org-acme'),
        roleRef: roleRef('guardian:org_admin'),
        subjects: [oidcGroup('ops')],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: owned('guardian-read-only', 'org-acme'),
        roleRef: roleRef('guardian:read_only'),
        subjects: [oidcGroup('auditors')],
      },
    ]);
    expect(desiredPeopleBindings(anOrganization('empty'), 'oidc:')).toEqual([]);
  });
});

describe('desiredWorkloadBindings', () => {
  const agent = { kind: 'ServiceAccount', name: 'guardian-agent', namespace: 'org-acme' };

  it('lets everybody of the organization read its workloads, and the agent read them with its own role', () => {
    expect(desiredWorkloadBindings(acme, 'org-acme--production', 'oidc:')).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: owned('guardian-people', 'org-acme--production'),
        roleRef: roleRef('guardian:workload-reader'),
        subjects: [
          oidcUser('alice@acme.com'),
          oidcGroup('founders'),
          oidcGroup('ops'),
          oidcGroup('auditors'),
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: owned('guardian-agent', 'org-acme--production'),
        roleRef: roleRef('guardian:agent'),
        subjects: [agent],
      },
    ]);
  });

  it('binds only the agent where nobody holds a role yet', () => {
    const bindings = desiredWorkloadBindings(anOrganization('acme'), 'org-acme--staging', 'oidc:');
    expect(bindings.map((b) => [b.metadata?.name, b.roleRef?.name])).toEqual([
      ['guardian-agent', 'guardian:agent'],
    ]);
  });
});

describe('desiredAgentServiceAccount', () => {
  it('is guardian-agent in the control namespace, with no token mounted into pods', () => {
    expect(desiredAgentServiceAccount(acme)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: owned('guardian-agent', 'org-acme'),
      automountServiceAccountToken: false,
    });
  });
});

describe('desiredPlatformSecretAccess', () => {
  const platform = { namespace: 'guardian-system', serviceAccount: 'guardian-platform' };

  it('lets the platform get the database and storage Secrets and the SSO client secret by name, nothing else', () => {
    const { role, binding } = desiredPlatformSecretAccess(acme, platform);
    expect(role).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: owned('guardian-platform-secrets', 'org-acme'),
      rules: [
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: ['guardian-database', 'guardian-storage', 'sso-client'],
          verbs: ['get'],
        },
      ],
    });
    expect(binding).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: owned('guardian-platform-secrets', 'org-acme'),
      roleRef: roleRef('guardian-platform-secrets', 'Role'),
      subjects: [{ kind: 'ServiceAccount', name: 'guardian-platform', namespace: 'guardian-system' }],
    });
  });

  it('names only the database and storage Secrets without SSO', () => {
    const { role } = desiredPlatformSecretAccess(anOrganization('plain'), platform);
    expect(role.rules?.[0]?.resourceNames).toEqual(['guardian-database', 'guardian-storage']);
  });
});

describe('desiredImpersonation', () => {
  it("binds the platform's and the operator's ServiceAccounts to the impersonator role where the agent lives", () => {
    expect(
      desiredImpersonation(acme, [
        { namespace: 'guardian-system', serviceAccount: 'guardian-platform' },
        { namespace: 'guardian-system', serviceAccount: 'guardian-operator' },
      ]),
    ).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: owned('guardian-tenant-impersonator', 'org-acme'),
      roleRef: roleRef('guardian:tenant-impersonator'),
      subjects: [
        { kind: 'ServiceAccount', name: 'guardian-platform', namespace: 'guardian-system' },
        { kind: 'ServiceAccount', name: 'guardian-operator', namespace: 'guardian-system' },
      ],
    });
  });

  it('names one ServiceAccount once, when the platform and the operator share it', () => {
    const same = { namespace: 'guardian', serviceAccount: 'guardian' };
    expect(desiredImpersonation(acme, [same, same]).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'guardian', namespace: 'guardian' },
    ]);
  });
});
