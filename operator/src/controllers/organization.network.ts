import type { Organization } from '@guardian/crds/generated';
import type { Wire } from '@guardian/kube/resources';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { childMetadata } from '../tenancy/names.ts';

export const NETWORK_POLICY_NAME = 'guardian-default';

/**
 * Default-deny ingress for a workload namespace, except from the same namespace (so the tenant's
 * own apps keep talking to each other) and from Guardian's namespace. Egress is left alone.
 */
export function desiredNetworkPolicy(
  org: Organization,
  namespace: string,
  platformNamespace: string,
): Wire<V1NetworkPolicy> {
  const byName = (name: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMetadata(org, NETWORK_POLICY_NAME, namespace),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }, byName(platformNamespace)] }],
    },
  };
}
