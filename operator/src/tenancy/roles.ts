import { GROUP, KINDS } from '@guardian/crds/kinds';
import { MATRIX, ORG_ROLES, type OrgRole, type Permission } from '@guardian/platform/rbac';

/**
 * Kubernetes RBAC for people, derived from the one permission matrix: each organization role is a
 * ClusterRole (`guardian:<role>`) bound in the organization's control namespace; everybody in an
 * organization also reads its workload namespaces; the agent has its own read-only role.
 */
const TEAMS = KINDS.team.plural;
const RUNS = KINDS.workflowRun.plural;
// WorkflowApproval arrives with the workflows issue; its people's rules are fixed already.
const APPROVALS = 'workflowapprovals';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const READ = ['get', 'list', 'watch'];

const RULES_BY_PERMISSION: Partial<Record<Permission, PolicyRule[]>> = {
  'teams:read': [{ apiGroups: [GROUP], resources: [TEAMS], verbs: READ }],
  'teams:manage': [
    { apiGroups: [GROUP], resources: [TEAMS], verbs: ['create', 'update', 'patch', 'delete'] },
  ],
  'workflows:read': [{ apiGroups: [GROUP], resources: [RUNS, APPROVALS], verbs: READ }],
  'workflows:create': [{ apiGroups: [GROUP], resources: [RUNS], verbs: ['create'] }],
  'workflows:cancel': [{ apiGroups: [GROUP], resources: [RUNS], verbs: ['update', 'patch', 'delete'] }],
  'workflows:approve': [{ apiGroups: [GROUP], resources: [APPROVALS], verbs: ['create'] }],
};

export const clusterRoleName = (role: OrgRole) => `guardian:${role}`;
export const WORKLOAD_READER = 'guardian:workload-reader';
export const AGENT_ROLE = 'guardian:agent';

/** What people and agents may see of workloads: never Secrets (nor ConfigMaps, which often hold some). */
const WORKLOAD_RULES: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/log',
      'services',
      'endpoints',
      'events',
      'persistentvolumeclaims',
      'resourcequotas',
      'limitranges',
    ],
    verbs: READ,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: READ,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
];

function rulesFor(role: OrgRole): PolicyRule[] {
  return MATRIX[role].flatMap((permission) => RULES_BY_PERMISSION[permission] ?? []);
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
    clusterRole(AGENT_ROLE, WORKLOAD_RULES),
  ];
}

export const TENANT_CLUSTER_ROLE_NAMES = tenantClusterRoles().map((role) => role.metadata.name);
