import type { V1PolicyRule } from '@kubernetes/client-node';
import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';

const { found, name } = tableOf('rbac-roles');
const RBAC = 'rbac.authorization.k8s.io';
const role = (row: string, rules: V1PolicyRule[]): KubeManifest => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: name(row) },
  rules,
});
const core = (resources: string[], verbs: string[], fields: Partial<V1PolicyRule> = {}): V1PolicyRule => ({
  apiGroups: [''],
  resources,
  verbs,
  ...fields,
});

const everything = role('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
const namedSecret = role('named-secret', [core(['secrets'], ['get'], { resourceNames: ['tls'] })]);
const execOnly = role('exec', [core(['pods/exec'], ['create'])]);
const podsSubresources = role('pods-subresources', [core(['pods/*'], ['get'])]);
const createPods = role('create-pods', [core(['pods'], ['create', 'get'])]);
const allVerbsOnPods = role('all-verbs-pods', [core(['pods'], ['*'])]);
const bindRoles = role('bind', [{ apiGroups: [RBAC], resources: ['roles'], verbs: ['bind'] }]);
const impersonate = role('impersonate', [core(['serviceaccounts'], ['impersonate'])]);
const tokens = role('tokens', [core(['serviceaccounts/token'], ['create'])]);
const bound = role('bound', [core(['secrets'], ['list'])]);
const escalationNote =
  'applying it needs the rights it grants, or escalate on roles: an admin applies the rows';

export const rbacRolesCases: readonly Case[] = [
  {
    name: 'everything on everything',
    objects: [everything],
    expect: [
      'wildcard-rule',
      'secrets-read',
      'pod-exec-attach',
      'create-pods',
      'escalate-bind-impersonate',
      'sa-token-create',
    ].map((check) => found(check, everything)),
    note: escalationNote,
  },
  {
    name: 'get on one Secret by resourceNames still reads Secrets',
    objects: [namedSecret],
    expect: [found('secrets-read', namedSecret)],
  },
  {
    name: 'a Role bound by a RoleBinding, listing Secrets',
    objects: [
      bound,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: name('bound-binding') },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: name('bound') },
        subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
      },
    ],
    expect: [found('secrets-read', bound)],
  },
  {
    name: 'Secrets in another API group are not core Secrets',
    objects: [role('apps-secrets', [{ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] }])],
    expect: [],
  },
  {
    name: 'create on pods/exec is exec, not creating Pods',
    objects: [execOnly],
    expect: [found('pod-exec-attach', execOnly)],
  },
  {
    name: 'get on pods/* covers exec and attach',
    objects: [podsSubresources],
    expect: [found('pod-exec-attach', podsSubresources)],
  },
  {
    name: 'create on pods',
    objects: [createPods],
    expect: [found('create-pods', createPods)],
  },
  {
    name: 'every verb on pods is a wildcard and creates Pods, but does not reach pods/exec',
    objects: [allVerbsOnPods],
    expect: [found('wildcard-rule', allVerbsOnPods), found('create-pods', allVerbsOnPods)],
  },
  {
    name: 'bind on roles',
    objects: [bindRoles],
    expect: [found('escalate-bind-impersonate', bindRoles)],
    note: 'applying it needs bind on roles (an admin applies the rows)',
  },
  {
    name: 'impersonate ServiceAccounts',
    objects: [impersonate],
    expect: [found('escalate-bind-impersonate', impersonate)],
    note: escalationNote,
  },
  {
    name: 'create ServiceAccount tokens',
    objects: [tokens],
    expect: [found('sa-token-create', tokens)],
  },
  {
    name: 'read-only on Pods, ConfigMaps and ServiceAccounts is clean',
    objects: [role('reader', [core(['pods', 'configmaps', 'serviceaccounts'], ['get', 'list', 'watch'])])],
    expect: [],
  },
];
