import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubeObject } from '@guardian/kube/resources';
import { parseAllDocuments } from 'yaml';

const MANIFEST = resolve(import.meta.dirname, '../rbac/platform-rbac.yaml');
const DEFAULT_NAMESPACE = 'guardian-system';
export const PLATFORM_SERVICE_ACCOUNT = 'guardian-platform';

type RbacObject = KubeObject & {
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ namespace?: string }>;
};

/**
 * The platform's RBAC objects from the one manifest, placed in `namespace`. Cluster-scoped
 * objects get the namespace as a suffix where it is not the default, so two installs (or two
 * test suites) do not overwrite each other's bindings.
 */
export function platformRbac(namespace = DEFAULT_NAMESPACE): KubeObject[] {
  const suffix = namespace === DEFAULT_NAMESPACE ? '' : `-${namespace}`;
  return parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((doc) => {
    const object = doc.toJS() as RbacObject;
    const clusterScoped = object.kind === 'ClusterRole' || object.kind === 'ClusterRoleBinding';
    if (object.metadata) {
      if (clusterScoped) object.metadata.name = `${object.metadata.name}${suffix}`;
      else object.metadata.namespace = namespace;
    }
    if (object.roleRef?.kind === 'ClusterRole') object.roleRef.name = `${object.roleRef.name}${suffix}`;
    for (const subject of object.subjects ?? []) subject.namespace = namespace;
    return object;
  });
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
