import type { KubeClient } from '@guardian/kube/client';
import { core, type KubeObject, MANAGED_BY, type Resource } from '@guardian/kube/resources';
import { OPERATOR } from '../tenancy/names.ts';

/** Kinds whose presence means a namespace holds someone's work. */
const WORK: Resource[] = [
  core.pod,
  core.deployment,
  core.statefulSet,
  core.daemonSet,
  core.job,
  core.cronJob,
  core.service,
  core.persistentVolumeClaim,
  core.configMap,
  core.secret,
];

// Kubernetes puts these in every namespace by itself. Secrets are read as metadata only, so a
// ServiceAccount's token Secret is known by the annotation Kubernetes gives it, not by its type.
const automatic = (resource: Resource, object: KubeObject) =>
  (resource === core.configMap && object.metadata?.name === 'kube-root-ca.crt') ||
  (resource === core.secret &&
    object.metadata?.annotations?.['kubernetes.io/service-account.name'] !== undefined);

/**
 * What a namespace holds beyond Guardian's own objects, as "2 pods, 1 service". Lists metadata
 * only: counting a tenant's Secrets never brings their data into the operator.
 */
export async function leftovers(client: KubeClient, namespace: string): Promise<string[]> {
  const found: string[] = [];
  for (const resource of WORK) {
    const { items } = await client.list(resource, { namespace, metadataOnly: true });
    const foreign = items.filter(
      (o) => o.metadata?.labels?.[MANAGED_BY] !== OPERATOR && !automatic(resource, o),
    );
    if (foreign.length > 0) found.push(`${foreign.length} ${resource.plural}`);
  }
  return found;
}
