import type { V1LabelSelector, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { NetworkPolicy } from '../kinds.ts';

export type PolicyType = 'Ingress' | 'Egress';

/** AGENTS.md network-policy: `spec.policyTypes` if set, else Ingress, plus Egress when `spec.egress` is non-empty. */
export function policyTypes(policy: NetworkPolicy): readonly PolicyType[] {
  const declared = policy.spec?.policyTypes ?? [];
  if (declared.length > 0)
    return declared.filter((type): type is PolicyType => type === 'Ingress' || type === 'Egress');
  return (policy.spec?.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A LabelSelector with neither matchLabels nor matchExpressions: it selects every pod. */
export function isEmptySelector(selector: V1LabelSelector | undefined): boolean {
  return (
    Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0
  );
}

const EVERY_ADDRESS: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

/**
 * A rule that lets everything through in its direction: no ports, and either no peers (`{}`) or a
 * peer `ipBlock` of every address without `except`.
 */
export function allowsAll(rule: { ports?: V1NetworkPolicyPort[]; peers?: V1NetworkPolicyPeer[] }): boolean {
  if ((rule.ports ?? []).length > 0) return false;
  const peers = rule.peers ?? [];
  return (
    peers.length === 0 ||
    peers.some(
      ({ ipBlock }) =>
        ipBlock !== undefined && EVERY_ADDRESS.has(ipBlock.cidr) && (ipBlock.except ?? []).length === 0,
    )
  );
}

/** The policy's rules in one direction, peers under one name. */
export function rulesOf(policy: NetworkPolicy, type: PolicyType) {
  return type === 'Ingress'
    ? (policy.spec?.ingress ?? []).map(({ ports, from }) => ({ ports, peers: from }))
    : (policy.spec?.egress ?? []).map(({ ports, to }) => ({ ports, peers: to }));
}
