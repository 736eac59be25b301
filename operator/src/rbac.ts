import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubeObject } from '@guardian/kube/resources';
import { parseAllDocuments } from 'yaml';

const MANIFESTS = ['operator-rbac.yaml', 'tenant-roles.yaml'].map((file) =>
  resolve(import.meta.dirname, '../rbac', file),
);
const DEFAULT_NAMESPACE = 'guardian-system';

/**
 * The operator's RBAC objects from its manifests (its own permissions, and the tenant roles it
 * binds), placed in `namespace`. Cluster-scoped
 * objects get the namespace as a suffix where it is not the default, so two installs (or two
 * test suites) do not overwrite each other's bindings.
 */
export function operatorRbac(namespace = DEFAULT_NAMESPACE): KubeObject[] {
  const suffix = namespace === DEFAULT_NAMESPACE ? '' : `-${namespace}`;
  const documents = MANIFESTS.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')));
  return documents.map((doc) => {
    const object = doc.toJS() as KubeObject & {
      roleRef?: { kind: string; name: string };
      subjects?: Array<{ namespace?: string }>;
    };
    const clusterScoped = object.kind === 'ClusterRole' || object.kind === 'ClusterRoleBinding';
    const tenantRole = object.metadata?.name?.startsWith('guardian:');
    if (object.metadata) {
      // Tenant roles are shared by every install: the operator binds them by name.
      if (!clusterScoped) object.metadata.namespace = namespace;
      else if (!tenantRole) object.metadata.name = `${object.metadata.name}${suffix}`;
    }
    if (object.roleRef?.kind === 'ClusterRole') object.roleRef.name = `${object.roleRef.name}${suffix}`;
    for (const subject of object.subjects ?? []) subject.namespace = namespace;
    return object;
  });
}
