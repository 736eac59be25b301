import { named } from '../kinds.ts';
import { policiesSelecting } from '../lookups/network-policies.ts';
import { somePodLabels } from '../lookups/pod-labels.ts';
import {
  allowsAll,
  isEmptySelector,
  type PolicyType,
  policyTypes,
  rulesOf,
} from '../semantics/network-policies.ts';
import { labelSelectorMatches } from '../semantics/selectors.ts';
import type { Agent, Check, Severity } from '../types.ts';
import { nameList } from './text.ts';

const policySelectsNothing: Check = {
  id: 'policy-selects-nothing',
  severity: 'low',
  mode: 'spec',
  title: 'NetworkPolicies that select no pod',
  target: 'NetworkPolicy',
  detect(policy, { snapshot }) {
    const selector = policy.spec?.podSelector;
    if (
      isEmptySelector(selector) ||
      somePodLabels(snapshot, (labels) => labelSelectorMatches(selector, labels))
    )
      return undefined;
    return {
      message: `${named(policy)} selects no pod template and no Pod of the namespace: it protects nothing.`,
      remediation:
        'Fix spec.podSelector to match the pod template labels of the workloads it is meant for, or delete the policy.',
      evidence: {
        matchLabels: selector?.matchLabels ?? {},
        matchExpressions: (selector?.matchExpressions ?? []).map(({ key, operator, values }) => ({
          key,
          operator,
          values: values ?? [],
        })),
      },
    };
  },
};

function allowAll(id: string, severity: Severity, type: PolicyType, peers: 'from' | 'to'): Check {
  const direction = type === 'Ingress' ? 'ingress' : 'egress';
  return {
    id,
    severity,
    mode: 'spec',
    title: `NetworkPolicies that allow all ${direction}`,
    target: 'NetworkPolicy',
    detect(policy) {
      if (!policyTypes(policy).includes(type)) return undefined;
      const open = rulesOf(policy, type).flatMap((rule, index) => (allowsAll(rule) ? [index] : []));
      if (open.length === 0) return undefined;
      return {
        message: `${named(policy)} has ${direction} rules that allow all traffic on every port (no ports, and no ${peers} peers or an ipBlock of every address).`,
        remediation: `Name the peers (${peers}: podSelector, namespaceSelector or a narrow ipBlock) and the ports each ${direction} rule allows.`,
        evidence: { rules: open.map((index) => `spec.${direction}[${index}]`) },
      };
    },
  };
}

function notIsolated(id: string, severity: Severity, type: PolicyType): Check {
  const direction = type === 'Ingress' ? 'ingress' : 'egress';
  return {
    id,
    severity,
    mode: 'spec',
    title: `Pods no NetworkPolicy isolates for ${direction}`,
    target: 'Workload',
    detect(workload, { snapshot }) {
      const policies = policiesSelecting(snapshot, workload);
      if (policies.some((policy) => policyTypes(policy).includes(type))) return undefined;
      const labels = Object.entries(workload.podLabels).map(([key, value]) => `      ${key}: ${value}`);
      return {
        message: `${named(workload.object)} has Pods that no NetworkPolicy isolates for ${direction}: all ${direction} traffic is allowed.`,
        remediation: [
          `Add a NetworkPolicy that selects its Pods with policyTypes [${type}], and rules for the traffic they need:`,
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          `  name: ${workload.object.metadata.name}-${direction}`,
          'spec:',
          '  podSelector:',
          ...(labels.length > 0 ? ['    matchLabels:', ...labels] : ['    {}']),
          `  policyTypes: [${type}]`,
          `  ${direction}: []  # the allowed ${type === 'Ingress' ? 'sources' : 'destinations'}`,
        ].join('\n'),
        evidence: { selectedBy: nameList(policies) },
      };
    },
  };
}

export const networkPolicy: Agent = {
  id: 'network-policy',
  name: 'Network policy',
  category: 'security',
  description: 'NetworkPolicies that protect nothing or allow everything, and Pods no policy isolates.',
  checks: [
    policySelectsNothing,
    allowAll('allow-all-ingress', 'medium', 'Ingress', 'from'),
    allowAll('allow-all-egress', 'low', 'Egress', 'to'),
    notIsolated('pod-not-isolated-ingress', 'medium', 'Ingress'),
    notIsolated('pod-not-isolated-egress', 'low', 'Egress'),
  ],
};
