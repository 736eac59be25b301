import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubeObject } from '@guardian/platform/kube/resources';
import { parseAllDocuments } from 'yaml';

const MANIFEST = resolve(import.meta.dirname, '../rbac/operator-rbac.yaml');
const DEFAULT_NAMESPACE = 'guardian-system';

/**
 * The operator's RBAC objects from the one manifest, placed in `namespace`. Cluster-scoped
 * objects get the namespace as a suffix where it is not the default, so two installs (or two
 * test suites) do not overwrite each other's bindings.
 */
export function operatorRbac(namespace = DEFAULT_NAMESPACE): KubeObject[] {
  const suffix = namespace === DEFAULT_NAMESPACE ? '' : `-${namespace}`;
  return parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((doc) => {
    const object = doc.toJS() as KubeObject & {
      roleRef?: { kind: string; name: string };
      subjects?: Array<{ namespace?: string }>;
    };
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
