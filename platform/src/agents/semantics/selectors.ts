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
  return operatorHolds(operator, values, labels[key]);
}

/**
 * In, NotIn, Exists and DoesNotExist on one label's value (undefined: the label is absent), as
 * LabelSelectors and node selector terms read them. Other operators hold for nothing: the API rejects
 * them here, and an unknown one should select nothing rather than everything.
 */
export function operatorHolds(
  operator: string,
  values: readonly string[],
  value: string | undefined,
): boolean {
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
      return false;
  }
}
