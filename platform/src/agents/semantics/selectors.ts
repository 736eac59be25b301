import type { V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node';

type Labels = Readonly<Record<string, string>>;

/**
 * AGENTS.md §0.8 for a map selector (a Service's): every key/value is among the labels. An empty or
 * absent map is "no selector" and matches nothing.
 */
export function mapSelectorMatches(selector: Labels | undefined, labels: Labels): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/**
 * AGENTS.md §0.8 for a LabelSelector: `matchLabels` and every `matchExpressions` entry hold; an empty
 * selector matches everything. An absent one matches nothing, as Kubernetes reads a null selector
 * (PDB, affinity terms); a field whose absence means "all pods" (a NetworkPolicy's `podSelector`)
 * passes `?? {}`.
 */
export function labelSelectorMatches(selector: V1LabelSelector | undefined, labels: Labels): boolean {
  if (selector === undefined) return false;
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  return (
    matchLabels.every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every((requirement) => requirementHolds(requirement, labels))
  );
}

function requirementHolds(
  { key, operator, values = [] }: V1LabelSelectorRequirement,
  labels: Labels,
): boolean {
  const value = labels[key];
  switch (operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      // The API rejects other operators; an unknown one selects nothing rather than everything.
      return false;
  }
}
