import type { Organization } from '@guardian/crds/generated';
import type { KubeObject } from '@guardian/kube/resources';
import {
  controlNamespace,
  environmentsOf,
  LABEL_ENVIRONMENT,
  LABEL_ORGANIZATION,
  managedLabels,
  ownedBy,
  workloadNamespace,
} from '../tenancy/names.ts';

export interface Namespace extends KubeObject {
  status?: { phase?: string };
}

export function desiredControlNamespace(org: Organization): Namespace {
  const name = org.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: controlNamespace(name), labels: managedLabels(name), ownerReferences: ownedBy(org) },
  };
}

export function desiredWorkloadNamespaces(org: Organization): Namespace[] {
  const name = org.metadata?.name ?? '';
  return environmentsOf(org).map((environment) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: workloadNamespace(name, environment),
      labels: managedLabels(name, { [LABEL_ENVIRONMENT]: environment }),
      ownerReferences: ownedBy(org),
    },
  }));
}

/**
 * A namespace that exists but is not this organization's (no labels of ours, or another
 * organization's) is never adopted: it is reported as a conflict and left untouched.
 */
export function conflicts(org: Organization, existing: Array<Namespace | undefined>): string[] {
  const name = org.metadata?.name;
  return existing
    .filter((ns): ns is Namespace => ns !== undefined)
    .filter(
      (ns) =>
        ns.metadata?.labels?.[LABEL_ORGANIZATION] !== name ||
        !ns.metadata?.ownerReferences?.some((r) => r.uid === org.metadata?.uid),
    )
    .map((ns) => ns.metadata?.name ?? '');
}
