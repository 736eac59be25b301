import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import type { Wire } from '@guardian/kube/resources';
import type { V1LimitRange, V1LimitRangeItem, V1ResourceQuota } from '@kubernetes/client-node';
import { childMetadata } from '../tenancy/names.ts';

export const QUOTA_NAME = 'guardian-plan';

/** The plan's ResourceQuota for one workload namespace, or undefined when the plan sets none. */
export function desiredResourceQuota(
  org: Organization,
  plan: QuotaPolicy,
  namespace: string,
): Wire<V1ResourceQuota> | undefined {
  const hard = plan.spec.resourceQuota?.hard;
  if (!hard || Object.keys(hard).length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: childMetadata(org, QUOTA_NAME, namespace),
    spec: { hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, String(v)])) },
  };
}

/** The plan's container defaults for one workload namespace, or undefined when the plan sets none. */
export function desiredLimitRange(
  org: Organization,
  plan: QuotaPolicy,
  namespace: string,
): Wire<V1LimitRange> | undefined {
  const limits = plan.spec.limitRange;
  const quantities = (q?: { cpu?: number | string; memory?: number | string }) =>
    q ? Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)])) : undefined;
  const item: Wire<V1LimitRangeItem> = {
    type: 'Container',
    default: quantities(limits?.default),
    defaultRequest: quantities(limits?.defaultRequest),
  };
  if (!item.default && !item.defaultRequest) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: childMetadata(org, QUOTA_NAME, namespace),
    spec: { limits: [JSON.parse(JSON.stringify(item))] },
  };
}
