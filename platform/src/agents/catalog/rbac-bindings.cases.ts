import type { RbacV1Subject, V1RoleRef } from '@kubernetes/client-node';
import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';

const { found, name } = tableOf('rbac-bindings');
const RBAC = 'rbac.authorization.k8s.io';
const user = (subject: string): RbacV1Subject => ({ kind: 'User', apiGroup: RBAC, name: subject });
const group = (subject: string): RbacV1Subject => ({ kind: 'Group', apiGroup: RBAC, name: subject });
const clusterRole = (role: string): V1RoleRef => ({ apiGroup: RBAC, kind: 'ClusterRole', name: role });
const namespaceRole = (role: string): V1RoleRef => ({ apiGroup: RBAC, kind: 'Role', name: role });
const binding = (
  row: string,
  roleRef: V1RoleRef,
  subjects: RbacV1Subject[] = [user('jane')],
): KubeManifest => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: name(row) },
  roleRef,
  subjects,
});

const clusterAdmin = binding('cluster-admin', clusterRole('cluster-admin'), [
  { kind: 'ServiceAccount', name: 'deployer' },
]);
const admin = binding('admin', clusterRole('admin'));
const authenticated = binding('authenticated', clusterRole('view'), [
  user('jane'),
  group('system:authenticated'),
]);
const anonymous = binding('anonymous', clusterRole('view'), [user('system:anonymous')]);
const missing = binding('missing', namespaceRole(name('absent')));
const roleNamedClusterAdmin = binding('role-cluster-admin', namespaceRole('cluster-admin'));
const bindNote = 'applying it needs bind on the role (or holding all it grants): an admin applies the rows';

export const rbacBindingsCases: readonly Case[] = [
  {
    name: 'the ClusterRole cluster-admin',
    objects: [clusterAdmin],
    expect: [found('binds-cluster-admin', clusterAdmin)],
    note: bindNote,
  },
  {
    name: 'the ClusterRole admin',
    objects: [admin],
    expect: [found('binds-admin-clusterrole', admin)],
    note: bindNote,
  },
  {
    name: 'the ClusterRole edit for one user is clean',
    objects: [binding('edit', clusterRole('edit'))],
    expect: [],
  },
  {
    name: 'view for every authenticated user',
    objects: [authenticated],
    expect: [found('broad-subject', authenticated)],
  },
  { name: 'view for anonymous requests', objects: [anonymous], expect: [found('broad-subject', anonymous)] },
  {
    name: "view for the namespace's ServiceAccounts group is not everyone",
    objects: [
      binding('service-accounts', clusterRole('view'), [group('system:serviceaccounts:agent-cases')]),
    ],
    expect: [],
  },
  {
    name: 'a Role that does not exist',
    objects: [missing],
    expect: [found('missing-role', missing)],
    note: bindNote,
  },
  {
    name: 'a Role named cluster-admin is not the ClusterRole, and does not exist',
    objects: [roleNamedClusterAdmin],
    expect: [found('missing-role', roleNamedClusterAdmin)],
    note: bindNote,
  },
  {
    name: 'a Role that exists',
    objects: [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: name('reader') },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
      },
      binding('reader-binding', namespaceRole(name('reader'))),
    ],
    expect: [],
  },
];
