// The RBAC of Guardian's components as `make dev`, the tests and the benchmarks install it: from
// the one manifest each component has (the chart renders the same files), placed in a namespace of
// their choosing; the platform's cluster-scoped reads for agents (a chart option); and the grant a
// platform needs where no operator serves it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubeObject } from '@guardian/kube/resources';
import { parseAllDocuments } from 'yaml';

const DEFAULT_NAMESPACE = 'guardian-system';
export const PLATFORM_SERVICE_ACCOUNT = 'guardian-platform';

const repo = resolve(import.meta.dirname, '..');
const OPERATOR_MANIFESTS = ['operator/rbac/operator-rbac.yaml', 'operator/rbac/tenant-roles.yaml'];
const PLATFORM_MANIFESTS = ['platform/rbac/platform-rbac.yaml'];

type RbacObject = KubeObject & {
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ namespace?: string }>;
};

/**
 * The objects of `manifests`, placed in `namespace`. Cluster-scoped objects get the namespace as
 * a suffix where it is not the default, so two installs (or two test suites) do not overwrite
 * each other's bindings; the tenant roles (`guardian:<role>`) are shared by every install, since
 * the operator binds them by name.
 */
function placed(manifests: string[], namespace: string): KubeObject[] {
  const suffix = namespace === DEFAULT_NAMESPACE ? '' : `-${namespace}`;
  const documents = manifests.flatMap((file) => parseAllDocuments(readFileSync(resolve(repo, file), 'utf8')));
  return documents.map((doc) => {
    const object = doc.toJS() as RbacObject;
    const clusterScoped = object.kind === 'ClusterRole' || object.kind === 'ClusterRoleBinding';
    const tenantRole = object.metadata?.name?.startsWith('guardian:');
    if (object.metadata) {
      if (!clusterScoped) object.metadata.namespace = namespace;
      else if (!tenantRole) object.metadata.name = `${object.metadata.name}${suffix}`;
    }
    if (object.roleRef?.kind === 'ClusterRole') object.roleRef.name = `${object.roleRef.name}${suffix}`;
    for (const subject of object.subjects ?? []) subject.namespace = namespace;
    return object;
  });
}

/** The operator's own permissions, and the tenant roles it binds. */
export function operatorRbac(namespace = DEFAULT_NAMESPACE): KubeObject[] {
  return placed(OPERATOR_MANIFESTS, namespace);
}

/**
 * The platform's permissions; with `clusterScopedReads` (the chart's `agents.clusterScopedReads`,
 * on by default) also its reads of Nodes and StorageClasses for agent runs.
 */
export function platformRbac(
  namespace = DEFAULT_NAMESPACE,
  options: { clusterScopedReads?: boolean } = {},
): KubeObject[] {
  return [
    ...placed(PLATFORM_MANIFESTS, namespace),
    ...((options.clusterScopedReads ?? true) ? platformClusterReads(namespace) : []),
  ];
}

/**
 * Nodes and StorageClasses are not tenant data, so agents do not read them as the tenant: the
 * platform reads them with its own identity and adds them to a run's snapshot (DESIGN.md, "Agents,
 * chat and MCP"). The chart renders the same rules (templates/platform-cluster-reads.yaml) when
 * `agents.clusterScopedReads` is true; its test checks that they match.
 */
export function platformClusterReads(namespace = DEFAULT_NAMESPACE): KubeObject[] {
  const suffix = namespace === DEFAULT_NAMESPACE ? '' : `-${namespace}`;
  const name = `${PLATFORM_SERVICE_ACCOUNT}-cluster-reads${suffix}`;
  const labels = { 'app.kubernetes.io/name': 'guardian-platform', 'app.kubernetes.io/component': 'platform' };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels },
    rules: [
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['list'] },
    ],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: PLATFORM_SERVICE_ACCOUNT, namespace }],
  };
  return [role, binding];
}

/**
 * Lets the platform read one organization's SSO client secret: a Role limited to that Secret by
 * name, in the organization's control namespace, bound to the platform's ServiceAccount. The
 * operator grants the same (with the database Secret) in its Role `guardian-platform-secrets`;
 * this is for platforms no operator serves: test suites without one, and `make dev` before its
 * operator has run.
 */
export function platformOrgSecretAccess(
  orgId: string,
  secretName: string,
  platformNamespace = DEFAULT_NAMESPACE,
): KubeObject[] {
  const namespace = `org-${orgId}`;
  const name =
    platformNamespace === DEFAULT_NAMESPACE
      ? 'guardian-platform-sso'
      : `guardian-platform-sso-${platformNamespace}`;
  const labels = { 'app.kubernetes.io/name': 'guardian-platform', 'app.kubernetes.io/component': 'platform' };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace, labels },
    rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get'] }],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name: PLATFORM_SERVICE_ACCOUNT, namespace: platformNamespace }],
  };
  return [role, binding];
}
