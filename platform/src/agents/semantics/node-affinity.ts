import type { V1NodeSelectorRequirement, V1NodeSelectorTerm, V1PodSpec } from '@kubernetes/client-node';
import { operatorHolds } from './selectors.ts';

/** What of a Node a pod's node constraints read: its name and labels. */
export interface NodeIdentity {
  metadata?: { name?: string; labels?: Readonly<Record<string, string>> };
}

/** The terms of the required node affinity; undefined when the pod has none. */
const requiredTerms = (spec: V1PodSpec): readonly V1NodeSelectorTerm[] | undefined =>
  spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;

/** The pod spec restricts where it runs: a non-empty nodeSelector, or a required node affinity. */
export function constrainsNodes(spec: V1PodSpec): boolean {
  return Object.keys(spec.nodeSelector ?? {}).length > 0 || requiredTerms(spec) !== undefined;
}

/**
 * The scheduler's node selection without taints and resources: every nodeSelector pair is among
 * the Node's labels, and one of the required affinity's terms (ORed) matches it.
 */
export function nodeFits(spec: V1PodSpec, node: NodeIdentity): boolean {
  const labels = node.metadata?.labels ?? {};
  const selected = Object.entries(spec.nodeSelector ?? {}).every(([key, value]) => labels[key] === value);
  const terms = requiredTerms(spec);
  return selected && (terms === undefined || terms.some((term) => termMatches(term, node)));
}

/** A term's requirements are ANDed; an empty term matches no Node (as the API documents). */
function termMatches(term: V1NodeSelectorTerm, node: NodeIdentity): boolean {
  const labels = node.metadata?.labels ?? {};
  const fields: Record<string, string | undefined> = { 'metadata.name': node.metadata?.name };
  const expressions = term.matchExpressions ?? [];
  const matchFields = term.matchFields ?? [];
  if (expressions.length === 0 && matchFields.length === 0) return false;
  return (
    expressions.every((requirement) => holds(requirement, labels[requirement.key])) &&
    matchFields.every((requirement) => holds(requirement, fields[requirement.key]))
  );
}

/** The LabelSelector operators, and Gt/Lt comparing integers. */
function holds({ operator, values = [] }: V1NodeSelectorRequirement, value: string | undefined): boolean {
  if (operator !== 'Gt' && operator !== 'Lt') return operatorHolds(operator, values, value);
  const [bound] = values;
  if (value === undefined || bound === undefined || !INTEGER.test(value) || !INTEGER.test(bound))
    return false;
  return operator === 'Gt' ? Number(value) > Number(bound) : Number(value) < Number(bound);
}

const INTEGER = /^-?\d+$/;
