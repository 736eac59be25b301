import { named } from '../kinds.ts';
import { parseQuantity } from '../semantics/quantity.ts';
import type { Agent, Check } from '../types.ts';
import { namespaceWithout } from './namespace-check.ts';

const NEAR = 0.9;
// used / hard of decimal quantities is not exact (0.09 / 0.1 < 0.9 in floating point).
const EPSILON = 1e-9;

const quotaNearLimit: Check = {
  id: 'quota-near-limit',
  severity: 'medium',
  mode: 'runtime',
  title: 'ResourceQuotas nearly used up',
  target: 'ResourceQuota',
  detect(quota) {
    const hard = quota.status?.hard ?? {};
    const used = quota.status?.used ?? {};
    const near = Object.entries(hard).flatMap(([resource, limit]) => {
      const total = parseQuantity(limit);
      const current = parseQuantity(used[resource] ?? '0');
      if (total === undefined || current === undefined || total <= 0) return [];
      const ratio = current / total;
      return ratio >= NEAR - EPSILON
        ? [{ resource, used: used[resource] ?? '0', hard: limit, percent: Math.round(ratio * 100) }]
        : [];
    });
    if (near.length === 0) return undefined;
    return {
      message: `${named(quota)} is nearly used up: ${near.map(({ resource, used, hard, percent }) => `${resource} ${used} of ${hard} (${percent}%)`).join(', ')}; new objects or Pods beyond it are rejected.`,
      remediation:
        'Free what is unused (idle workloads, old objects), lower requests that exceed actual use, or ask for a larger quota.',
      evidence: { resources: near },
    };
  },
};

export const quotaGovernance: Agent = {
  id: 'quota-governance',
  name: 'Quota governance',
  category: 'compliance',
  description: 'ResourceQuotas nearly used up, and namespaces without a ResourceQuota or a LimitRange.',
  checks: [
    quotaNearLimit,
    namespaceWithout({
      id: 'namespace-without-resourcequota',
      severity: 'low',
      title: 'Namespaces without a ResourceQuota',
      kind: 'ResourceQuota',
      consequence: 'nothing bounds what its workloads may request or create',
      remediation: (namespace) =>
        [
          'Bound what the namespace may use:',
          `kubectl -n ${namespace} create quota compute --hard=requests.cpu=4,requests.memory=8Gi,limits.memory=16Gi,pods=50`,
        ].join('\n'),
    }),
    namespaceWithout({
      id: 'namespace-without-limitrange',
      severity: 'low',
      title: 'Namespaces without a LimitRange',
      kind: 'LimitRange',
      consequence: 'containers that set no requests or limits get none',
      remediation: (namespace) =>
        [
          'Give containers default requests and limits:',
          'apiVersion: v1',
          'kind: LimitRange',
          'metadata:',
          '  name: container-defaults',
          `  namespace: ${namespace}`,
          'spec:',
          '  limits:',
          '    - type: Container',
          '      defaultRequest: { cpu: 100m, memory: 128Mi }',
          '      default: { cpu: 500m, memory: 512Mi }',
        ].join('\n'),
    }),
  ],
};
