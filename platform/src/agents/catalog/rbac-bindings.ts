import type { RbacV1Subject } from '@kubernetes/client-node';
import { named, type Stored } from '../kinds.ts';
import { boundRole } from '../lookups/rbac.ts';
import type { Agent, Check, Severity } from '../types.ts';

type RoleBinding = Stored<'RoleBinding'>;

const subjectText = ({ kind, name }: RbacV1Subject) => `${kind} ${name}`;
const subjectsText = (binding: RoleBinding) =>
  (binding.subjects ?? []).map(subjectText).join(', ') || 'no subjects';

function bindsClusterRole(id: string, severity: Severity, clusterRole: string, what: string): Check {
  return {
    id,
    severity,
    mode: 'spec',
    title: `RoleBindings to the ClusterRole ${clusterRole}`,
    target: 'RoleBinding',
    detect(binding, { snapshot }) {
      const { kind, name } = binding.roleRef;
      if (kind !== 'ClusterRole' || name !== clusterRole) return undefined;
      return {
        message: `${named(binding)} gives ${subjectsText(binding)} the ClusterRole ${clusterRole} in the namespace: ${what}.`,
        remediation: [
          'Bind a Role (or the ClusterRole edit or view) that grants only what the subjects need:',
          `kubectl -n ${snapshot.namespace} delete rolebinding ${binding.metadata.name}`,
        ].join('\n'),
        evidence: {
          roleRef: `ClusterRole ${clusterRole}`,
          subjects: (binding.subjects ?? []).map(subjectText),
        },
      };
    },
  };
}

const BROAD_SUBJECTS: ReadonlySet<string> = new Set([
  'Group system:authenticated',
  'Group system:unauthenticated',
  'User system:anonymous',
]);

const broadSubject: Check = {
  id: 'broad-subject',
  severity: 'critical',
  mode: 'spec',
  title: 'RoleBindings to every user, or to anonymous requests',
  target: 'RoleBinding',
  detect(binding) {
    const broad = (binding.subjects ?? []).map(subjectText).filter((subject) => BROAD_SUBJECTS.has(subject));
    if (broad.length === 0) return undefined;
    const { kind, name } = binding.roleRef;
    return {
      message: `${named(binding)} gives ${kind} ${name} to ${broad.join(', ')}: to anyone who can reach the API server.`,
      remediation: 'Replace these subjects with the users, groups or ServiceAccounts that need the role.',
      evidence: { subjects: broad, roleRef: `${kind} ${name}` },
    };
  },
};

const missingRole: Check = {
  id: 'missing-role',
  severity: 'low',
  mode: 'spec',
  title: 'RoleBindings to a Role that does not exist',
  target: 'RoleBinding',
  detect(binding, { snapshot }) {
    if (binding.roleRef.kind !== 'Role' || boundRole(snapshot, binding)) return undefined;
    const role = binding.roleRef.name;
    return {
      message: `${named(binding)} binds Role ${role}, which does not exist: it grants nothing now, and whatever a Role of that name grants later.`,
      remediation: `Delete the RoleBinding, or create the Role it means:\nkubectl -n ${snapshot.namespace} delete rolebinding ${binding.metadata.name}`,
      evidence: { role },
    };
  },
};

export const rbacBindings: Agent = {
  id: 'rbac-bindings',
  name: 'RBAC bindings',
  category: 'security',
  description: 'RoleBindings that hand out too much, to too many, or to nothing.',
  checks: [
    bindsClusterRole(
      'binds-cluster-admin',
      'critical',
      'cluster-admin',
      'every permission on every object of the namespace',
    ),
    bindsClusterRole(
      'binds-admin-clusterrole',
      'high',
      'admin',
      'every object of the namespace, its Roles and RoleBindings included',
    ),
    broadSubject,
    missingRole,
  ],
};
