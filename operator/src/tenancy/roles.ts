import { GROUP, KINDS } from '@guardian/crds/kinds';
import { MATRIX, ORG_ROLES, type OrgRole, onlyOnLedTeams, type Permission } from '@guardian/platform/rbac';
import { AGENT_SERVICE_ACCOUNT, REMEDIATOR_SERVICE_ACCOUNT } from './names.ts';

/**
 * Kubernetes RBAC for people, derived from the one permission matrix: each organization role is a
 * ClusterRole (`guardian:<role>`) bound in the organization's control namespace; everybody in an
 * organization also reads its workload namespaces; the agent has its own read-only role, the
 * remediator one that patches workloads, and the
 * platform and the operator may impersonate the agent's and the remediator's ServiceAccounts.
 */
const TEAMS = KINDS.team.plural;
const RUNS = KINDS.workflowRun.plural;
const TEMPLATES = KINDS.workflowTemplate.plural;
const APPROVALS = KINDS.workflowApproval.plural;

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const READ = ['get', 'list', 'watch'];

/** get, list and watch on `resources` of one API group. */
const reads = (group: string, ...resources: string[]): PolicyRule => ({
  apiGroups: [group],
  resources,
  verbs: READ,
});

const RULES_BY_PERMISSION: Partial<Record<Permission, PolicyRule[]>> = {
  'teams:read': [reads(GROUP, TEAMS)],
  'teams:manage': [
    { apiGroups: [GROUP], resources: [TEAMS], verbs: ['create', 'update', 'patch', 'delete'] },
  ],
  'workflows:read': [reads(GROUP, RUNS, APPROVALS, TEMPLATES)],
  // An organization's own workflow templates decide what its runs do: its admins define them.
  'org:update': [
    { apiGroups: [GROUP], resources: [TEMPLATES], verbs: ['create', 'update', 'patch', 'delete'] },
  ],
  'workflows:create': [{ apiGroups: [GROUP], resources: [RUNS], verbs: ['create'] }],
  'workflows:cancel': [{ apiGroups: [GROUP], resources: [RUNS], verbs: ['update', 'patch', 'delete'] }],
  'workflows:approve': [{ apiGroups: [GROUP], resources: [APPROVALS], verbs: ['create'] }],
};

export const clusterRoleName = (role: OrgRole) => `guardian:${role}`;
export const WORKLOAD_READER = 'guardian:workload-reader';
export const AGENT_ROLE = 'guardian:agent';
export const IMPERSONATOR_ROLE = 'guardian:tenant-impersonator';
export const REMEDIATOR_ROLE = 'guardian:remediator';

/**
 * What everybody in an organization may see of its workloads: never Secrets (nor ConfigMaps, which
 * often hold some).
 */
const WORKLOAD_RULES: PolicyRule[] = [
  reads(
    '',
    'pods',
    'pods/log',
    'services',
    'endpoints',
    'events',
    'persistentvolumeclaims',
    'resourcequotas',
    'limitranges',
  ),
  reads('apps', 'deployments', 'replicasets', 'statefulsets', 'daemonsets'),
  reads('batch', 'jobs', 'cronjobs'),
  reads('networking.k8s.io', 'ingresses', 'networkpolicies'),
  reads('autoscaling', 'horizontalpodautoscalers'),
  reads('policy', 'poddisruptionbudgets'),
  reads('events.k8s.io', 'events'),
];

/**
 * The agent's own reads: every namespaced kind of AGENTS.md §0.1, in its organization's workload
 * namespaces, Secrets included (their types and key names; values are never stored, logged or
 * returned). Not the people's role: nobody gains Secret reads through the agent's rules.
 */
const AGENT_RULES: PolicyRule[] = [
  reads(
    '',
    'pods',
    'services',
    'configmaps',
    'secrets',
    'serviceaccounts',
    'persistentvolumeclaims',
    'resourcequotas',
    'limitranges',
    'events',
  ),
  reads('apps', 'deployments', 'replicasets', 'statefulsets', 'daemonsets'),
  reads('batch', 'jobs', 'cronjobs'),
  reads('discovery.k8s.io', 'endpointslices'),
  reads('networking.k8s.io', 'ingresses', 'networkpolicies'),
  reads('rbac.authorization.k8s.io', 'roles', 'rolebindings'),
  reads('autoscaling', 'horizontalpodautoscalers'),
  reads('policy', 'poddisruptionbudgets'),
  reads('events.k8s.io', 'events'),
];

/**
 * The remediator's rights, bound only in its organization's workload namespaces: server-side apply
 * (patch) of the workloads whose pod templates remediate and rollout steps change, Jobs a job step
 * creates (and deletes), and reads of what those steps wait on (a Job's or Deployment's status,
 * its ReplicaSets and pods). No create of workloads, nothing else, never Secrets.
 */
const REMEDIATOR_RULES: PolicyRule[] = [
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets', 'daemonsets'],
    verbs: [...READ, 'patch'],
  },
  reads('apps', 'replicasets', 'deployments/status', 'statefulsets/status', 'daemonsets/status'),
  { apiGroups: ['batch'], resources: ['cronjobs'], verbs: [...READ, 'patch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: [...READ, 'create', 'patch', 'delete'] },
  reads('batch', 'jobs/status', 'cronjobs/status'),
  reads('', 'pods', 'pods/log'),
];

/**
 * Acting as an organization's agent or remediator: bound in each `org-<org>` (where those
 * ServiceAccounts live) to the platform's and the operator's ServiceAccounts, so that what an
 * agent reads is what Kubernetes RBAC lets that organization's agent read.
 */
const IMPERSONATOR_RULES: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['serviceaccounts'],
    verbs: ['impersonate'],
    resourceNames: [AGENT_SERVICE_ACCOUNT, REMEDIATOR_SERVICE_ACCOUNT],
  },
];

/** A permission the role holds only on the Teams its holder leads has no organization-wide rule. */
function rulesFor(role: OrgRole): PolicyRule[] {
  return MATRIX[role]
    .filter((permission) => !onlyOnLedTeams(role, permission))
    .flatMap((permission) => RULES_BY_PERMISSION[permission] ?? []);
}

const labels = { 'app.kubernetes.io/name': 'guardian', 'app.kubernetes.io/component': 'tenant-rbac' };

/** The ClusterRoles the operator binds (it holds `bind` on exactly these names). */
export function tenantClusterRoles() {
  const clusterRole = (name: string, rules: PolicyRule[]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels },
    rules,
  });
  return [
    ...ORG_ROLES.map((role) => clusterRole(clusterRoleName(role), rulesFor(role))),
    clusterRole(WORKLOAD_READER, WORKLOAD_RULES),
    clusterRole(AGENT_ROLE, AGENT_RULES),
    clusterRole(REMEDIATOR_ROLE, REMEDIATOR_RULES),
    clusterRole(IMPERSONATOR_ROLE, IMPERSONATOR_RULES),
  ];
}

export const TENANT_CLUSTER_ROLE_NAMES = tenantClusterRoles().map((role) => role.metadata.name);
