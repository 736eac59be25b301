import { describe, expect, it } from 'vitest';
import { TENANT_CLUSTER_ROLE_NAMES } from '../operator/src/tenancy/roles.ts';
import { operatorRbac } from './rbac-manifests.ts';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
const rulesOf = (namespace?: string) =>
  operatorRbac(namespace)
    .filter((o) => o.kind === 'ClusterRole' && o.metadata?.name?.startsWith('guardian-operator'))
    .flatMap((o) => (o as { rules: Rule[] }).rules);

describe('the operator RBAC manifest', () => {
  it('binds exactly the tenant roles, and can escalate nothing', () => {
    const bind = rulesOf().filter((r) => r.verbs.includes('bind'));
    expect(bind.flatMap((r) => r.resourceNames ?? []).sort()).toEqual([...TENANT_CLUSTER_ROLE_NAMES].sort());
    expect(rulesOf().some((r) => r.verbs.includes('escalate') || r.verbs.includes('impersonate'))).toBe(
      false,
    );
  });

  it('uses no wildcard', () => {
    for (const rule of rulesOf()) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
    }
  });

  it('ships the tenant roles once, unsuffixed, and suffixes its own cluster-wide objects per namespace', () => {
    const objects = operatorRbac('it-ns');
    const names = objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['guardian-operator-it-ns', ...TENANT_CLUSTER_ROLE_NAMES]));
    expect(
      objects.filter((o) => o.kind === 'ClusterRole').every((o) => o.metadata?.namespace === undefined),
    ).toBe(true);
    expect(
      objects.filter((o) => o.kind === 'RoleBinding').every((o) => o.metadata?.namespace === 'it-ns'),
    ).toBe(true);
  });
});
