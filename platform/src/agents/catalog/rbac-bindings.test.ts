import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { describeCases } from '../testing/run-cases.ts';
import { rbacBindingsCases } from './rbac-bindings.cases.ts';
import { rbacBindings } from './rbac-bindings.ts';

describeCases(rbacBindings, rbacBindingsCases);

describe('rbac-bindings findings', () => {
  it('name the role and the subjects at fault', () => {
    const RBAC = 'rbac.authorization.k8s.io';
    const [finding] = evaluate(
      [rbacBindings],
      snapshotOf([
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'open' },
          roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' },
          subjects: [
            { kind: 'User', apiGroup: RBAC, name: 'jane' },
            { kind: 'Group', apiGroup: RBAC, name: 'system:unauthenticated' },
          ],
        },
      ]),
      { now: CASE_CLOCK.now },
    ).findings;
    expect(finding?.check).toBe('rbac-bindings/broad-subject');
    expect(finding?.message).toBe(
      'RoleBinding open gives ClusterRole edit to Group system:unauthenticated: to anyone who can reach the API server.',
    );
    expect(finding?.evidence).toEqual({
      subjects: ['Group system:unauthenticated'],
      roleRef: 'ClusterRole edit',
    });
  });
});
