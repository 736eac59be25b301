import { describe, expect, it } from 'vitest';
import {
  anOrganization,
  aTeam,
  managedBy,
  oidcGroup,
  oidcUser,
  ownerReferenceOf,
  roleRef,
} from '../../../test/support/builders.ts';
import { desiredTeamBindings } from './team.ts';

const acme = anOrganization('acme', { environments: ['production', 'qa'] });
const teamLabels = { ...managedBy('acme'), 'guardian.aiops.dev/team': 'devops' };

describe('desiredTeamBindings', () => {
  const devops = aTeam('acme', 'devops', {
    members: [
      { kind: 'User', name: 'lead@acme.com', role: 'team_lead' },
      { kind: 'User', name: 'dev@acme.com' },
      { kind: 'Group', name: 'auditors', role: 'read_only' },
    ],
  });
  const ownedByTeam = [
    {
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Team',
      name: 'devops',
      uid: 'uid-team-devops',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];

  it('binds each team role its members hold in the control namespace, owned by the Team', () => {
    const bindings = desiredTeamBindings(devops, acme, 'oidc:');
    expect(bindings.filter((b) => b.metadata?.namespace === 'org-acme')).toEqual(
      [
        ['team-devops-team-lead', 'guardian:team_lead', [oidcUser('lead@acme.com')]],
        // A member without a role is a team_member.
        ['team-devops-team-member', 'guardian:team_member', [oidcUser('dev@acme.com')]],
        ['team-devops-read-only', 'guardian:read_only', [oidcGroup('auditors')]],
      ].map(([name, role, subjects]) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: 'org-acme', labels: teamLabels, ownerReferences: ownedByTeam },
        roleRef: roleRef(role as string),
        subjects,
      })),
    );
  });

  it('lets every member read each workload namespace, owned by the Organization (owners cannot cross namespaces)', () => {
    const bindings = desiredTeamBindings(devops, acme, 'oidc:');
    expect(bindings.filter((b) => b.metadata?.namespace !== 'org-acme')).toEqual(
      ['production', 'qa'].map((env) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: {
          name: 'team-devops',
          namespace: `org-acme--${env}`,
          labels: teamLabels,
          ownerReferences: [ownerReferenceOf(acme)],
        },
        roleRef: roleRef('guardian:workload-reader'),
        subjects: [oidcUser('lead@acme.com'), oidcUser('dev@acme.com'), oidcGroup('auditors')],
      })),
    );
  });

  it('binds nothing for a team without members', () => {
    expect(desiredTeamBindings(aTeam('acme', 'empty'), acme, 'oidc:')).toEqual([]);
  });
});
