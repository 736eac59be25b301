import type { Organization, Team, TeamStatus } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Informer } from '@guardian/kube/informer';
import { core, type KubeObject, keyOf, splitKey, type Wire } from '@guardian/kube/resources';
import { TEAM_ROLES } from '@guardian/platform/rbac';
import type { V1RoleBinding } from '@kubernetes/client-node';
import type { ChildWriter } from '../runtime/children.ts';
import { setConditions } from '../runtime/conditions.ts';
import type { Reconciler } from '../runtime/controller.ts';
import { writeStatus } from '../runtime/status.ts';
import {
  environmentsOf,
  LABEL_ORGANIZATION,
  LABEL_TEAM,
  organizationOfNamespace,
  workloadNamespace,
} from '../tenancy/names.ts';
import { clusterRoleName, WORKLOAD_READER } from '../tenancy/roles.ts';
import { personSubject, roleBinding } from './organization.rbac.ts';

export interface TeamDeps {
  client: KubeClient;
  clock: Clock;
  children: ChildWriter;
  subjectPrefix: string;
  /**
   * Whether the organizations informer holds every Organization (no selector). Otherwise an
   * organization it lacks may exist and be another install's, whose Teams are left alone.
   */
  allOrganizations: boolean;
  informers: {
    teams: Informer<Team>;
    organizations: Informer<Organization>;
    roleBindings: Informer<KubeObject>;
  };
}

/**
 * A team's members get their team role in the organization's control namespace (team leads
 * manage WorkflowRuns, members create them, read-only members read) and read access to its
 * workload namespaces. Bindings in the control namespace are owned by the Team; those in workload
 * namespaces by the Organization (owners cannot cross namespaces), labelled with the team.
 */
export function desiredTeamBindings(team: Team, org: Organization, prefix: string): Wire<V1RoleBinding>[] {
  const name = team.metadata?.name ?? '';
  const namespace = team.metadata?.namespace ?? '';
  const teamOwner = [
    {
      apiVersion: KINDS.team.apiVersion,
      kind: KINDS.team.kind,
      name,
      uid: team.metadata?.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  const members = team.spec.members ?? [];
  const labels = { [LABEL_TEAM]: name };
  const byRole = TEAM_ROLES.map((role) => ({
    role,
    subjects: members
      .filter((m) => (m.role ?? 'team_member') === role)
      .map((m) => personSubject(m.kind, m.name, prefix)),
  })).filter(({ subjects }) => subjects.length > 0);
  const everyone = members.map((m) => personSubject(m.kind, m.name, prefix));
  return [
    ...byRole.map(({ role, subjects }) =>
      roleBinding(
        org,
        `team-${name}-${role.replace('_', '-')}`,
        namespace,
        clusterRoleName(role),
        subjects,
        labels,
        teamOwner,
      ),
    ),
    ...(everyone.length === 0
      ? []
      : environmentsOf(org).map((env) =>
          roleBinding(
            org,
            `team-${name}`,
            workloadNamespace(org.metadata?.name ?? '', env),
            WORKLOAD_READER,
            everyone,
            labels,
          ),
        )),
  ];
}

export function teamReconciler(deps: TeamDeps): Reconciler {
  return {
    name: 'team',
    async reconcile(key) {
      const { namespace = '', name } = splitKey(key);
      const orgName = organizationOfNamespace(namespace);
      const team = deps.informers.teams.get(key);
      const org = orgName === undefined ? undefined : deps.informers.organizations.get(orgName);
      // Another install's Team, or one of an organization that does not exist: this operator cannot
      // tell them apart, so it touches neither. (A Team outside any organization's namespace
      // belongs to no install: every operator reports it, alike.)
      if (orgName !== undefined && !org && !deps.allOrganizations) return undefined;
      const ours = (b: KubeObject) =>
        b.metadata?.labels?.[LABEL_TEAM] === name && b.metadata?.labels?.[LABEL_ORGANIZATION] === orgName;
      const desired =
        team && org && !team.metadata?.deletionTimestamp
          ? desiredTeamBindings(team, org, deps.subjectPrefix)
          : [];
      for (const binding of desired)
        await deps.children.ensure(core.roleBinding, deps.informers.roleBindings, binding);
      await deps.children.prune(core.roleBinding, deps.informers.roleBindings, ours, desired.map(keyOf));
      if (!team || team.metadata?.deletionTimestamp) return undefined;

      const ready =
        orgName === undefined
          ? {
              status: 'False' as const,
              reason: 'NotInOrganizationNamespace',
              message: `Teams live in an organization's namespace org-<org>, not ${namespace}`,
            }
          : !org
            ? {
                status: 'False' as const,
                reason: 'OrganizationNotFound',
                message: `Organization ${orgName} does not exist`,
              }
            : {
                status: 'True' as const,
                reason: 'Bound',
                message: `${team.spec.members?.length ?? 0} members bound`,
              };
      const status: TeamStatus = {
        observedGeneration: team.metadata?.generation,
        members: team.spec.members?.length ?? 0,
        conditions: setConditions(
          team.status?.conditions,
          [{ type: 'Ready', ...ready }],
          new Date(deps.clock.now()),
        ),
      };
      await writeStatus(deps.client, KINDS.team, team, status);
      return undefined;
    },
  };
}
