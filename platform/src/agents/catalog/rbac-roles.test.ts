import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type KubeManifest, snapshotOf } from '../testing/case.ts';
import { describeCases } from '../testing/run-cases.ts';
import { rbacRolesCases } from './rbac-roles.cases.ts';
import { rbacRoles } from './rbac-roles.ts';

describeCases(rbacRoles, rbacRolesCases);

describe('rbac-roles findings', () => {
  const RBAC = 'rbac.authorization.k8s.io';
  const role: KubeManifest = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'ops' },
    rules: [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch'] },
      { apiGroups: [''], resources: ['pods/attach'], verbs: ['create'] },
    ],
  };
  const binding = (name: string, roleName: string, kind = 'Role'): KubeManifest => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind, name: roleName },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
  });
  const findings = evaluate(
    [rbacRoles],
    snapshotOf([
      role,
      binding('ops-jane', 'ops'),
      binding('ops-bob', 'ops'),
      binding('other', 'ops', 'ClusterRole'),
    ]),
    { now: CASE_CLOCK.now },
  ).findings;

  it('name the grants and the RoleBindings of the Role', () => {
    expect(findings.map((f) => [f.check, f.message, f.evidence])).toEqual([
      [
        'rbac-roles/secrets-read',
        'Role ops grants get secrets, watch secrets (bound by ops-jane, ops-bob), which reads every credential of the namespace, service account tokens included.',
        { grants: ['get secrets', 'watch secrets'], boundBy: ['ops-jane', 'ops-bob'] },
      ],
      [
        'rbac-roles/pod-exec-attach',
        'Role ops grants create pods/attach (bound by ops-jane, ops-bob), which runs commands in running containers, with their identity and mounted secrets.',
        { grants: ['create pods/attach'], boundBy: ['ops-jane', 'ops-bob'] },
      ],
    ]);
  });
});
