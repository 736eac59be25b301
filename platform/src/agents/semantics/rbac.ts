import type { V1PolicyRule } from '@kubernetes/client-node';

/** What a check looks for: any of `verbs` on any of `resources` in the API group `group` ("" is core). */
export interface Grant {
  verbs: readonly string[];
  group: string;
  resources: readonly string[];
}

const lists = (values: readonly string[] | undefined, value: string) =>
  (values ?? []).includes(value) || (values ?? []).includes('*');

/**
 * AGENTS.md rbac-roles: the rule has `verb` or `*`, `group` or `*`, and `resource`, `*`, or — for a
 * subresource `p/s` — `p/*`. `resourceNames` do not narrow it; rules with `nonResourceURLs` grant
 * nothing here.
 */
export function ruleGrants(rule: V1PolicyRule, verb: string, group: string, resource: string): boolean {
  if ((rule.nonResourceURLs ?? []).length > 0) return false;
  const [parent, subresource] = resource.split('/');
  const resourceListed =
    lists(rule.resources, resource) ||
    (subresource !== undefined && (rule.resources ?? []).includes(`${parent}/*`));
  return lists(rule.verbs, verb) && lists(rule.apiGroups, group) && resourceListed;
}

/** Each `verb resource` of the grant that some rule gives: `get secrets`, `create pods/exec`. */
export function granted(rules: readonly V1PolicyRule[], grant: Grant): string[] {
  return grant.resources.flatMap((resource) =>
    grant.verbs
      .filter((verb) => rules.some((rule) => ruleGrants(rule, verb, grant.group, resource)))
      .map((verb) => `${verb} ${resource}`),
  );
}

/** A rule that names `*` among its verbs, resources or API groups. */
export function hasWildcard(rule: V1PolicyRule): boolean {
  return [rule.verbs, rule.resources ?? [], rule.apiGroups ?? []].some((values) => values.includes('*'));
}
