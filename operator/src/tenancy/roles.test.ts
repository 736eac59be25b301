import { ORG_ROLES } from '@guardian/platform/rbac';
import { describe, expect, it } from 'vitest';
import {
  AGENT_ROLE,
  clusterRoleName,
  IMPERSONATOR_ROLE,
  type PolicyRule,
  REMEDIATOR_ROLE,
  tenantClusterRoles,
  WORKLOAD_READER,
} from './roles.ts';

const roles = new Map(tenantClusterRoles().map((role) => [role.metadata.name, role.rules as PolicyRule[]]));
const rulesOf = (name: string) => {
  const rules = roles.get(name);
  if (!rules) throw new Error(`no ClusterRole ${name}`);
  return rules;
};
/** `group/resource` for every resource a role's rules grant `verb` on. */
const granted = (name: string, verb: string) =>
  new Set(
    rulesOf(name)
      .filter((rule) => rule.verbs.includes(verb))
      .flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.map((r) => `${group}/${r}`))),
  );

// AGENTS.md §0.1: the namespaced kinds an agent run reads, and nothing else.
const AGENT_READS = [
  '/pods',
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'apps/daemonsets',
  'batch/jobs',
  'batch/cronjobs',
  '/services',
  'discovery.k8s.io/endpointslices',
  'networking.k8s.io/ingresses',
  'networking.k8s.io/networkpolicies',
  '/configmaps',
  '/secrets',
  '/serviceaccounts',
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/rolebindings',
  '/persistentvolumeclaims',
  'autoscaling/horizontalpodautoscalers',
  'policy/poddisruptionbudgets',
  '/resourcequotas',
  '/limitranges',
  '/events',
  'events.k8s.io/events',
];

describe('the tenant ClusterRoles', () => {
  it('let the agent get, list and watch exactly the kinds of AGENTS.md §0.1, Secrets included', () => {
    for (const verb of ['get', 'list', 'watch'])
      expect([...granted(AGENT_ROLE, verb)].sort(), verb).toEqual([...AGENT_READS].sort());
    for (const rule of rulesOf(AGENT_ROLE)) {
      expect(rule.verbs).toEqual(['get', 'list', 'watch']);
      expect(rule.resourceNames).toBeUndefined();
    }
  });

  it('give people no Secret, no ConfigMap: workload-reader is not the agent’s role', () => {
    const reader = granted(WORKLOAD_READER, 'get');
    // The positive control: people do read workloads.
    expect(reader).toContain('/pods');
    expect(reader).toContain('apps/deployments');
    for (const name of [WORKLOAD_READER, ...ORG_ROLES.map(clusterRoleName)])
      for (const verb of ['get', 'list', 'watch']) {
        expect(granted(name, verb), `${name} ${verb}`).not.toContain('/secrets');
        expect(granted(name, verb), `${name} ${verb}`).not.toContain('/configmaps');
      }
    expect(rulesOf(WORKLOAD_READER)).not.toEqual(rulesOf(AGENT_ROLE));
  });

  it('let impersonate only the agent’s and the remediator’s ServiceAccounts, and nothing else impersonates', () => {
    expect(rulesOf(IMPERSONATOR_ROLE)).toEqual([
      {
        apiGroups: [''],
        resources: ['serviceaccounts'],
        verbs: ['impersonate'],
        resourceNames: ['guardian-agent', 'guardian-remediator'],
      },
    ]);
    for (const [name, rules] of roles)
      if (name !== IMPERSONATOR_ROLE)
        expect(
          rules.some((rule) => rule.verbs.includes('impersonate')),
          name,
        ).toBe(false);
  });

  it('let the remediator patch only workloads with pod templates, create Jobs, and read what it waits on', () => {
    const workloads = [
      'apps/deployments',
      'apps/statefulsets',
      'apps/daemonsets',
      'batch/cronjobs',
      'batch/jobs',
    ];
    expect([...granted(REMEDIATOR_ROLE, 'patch')].sort()).toEqual([...workloads].sort());
    expect([...granted(REMEDIATOR_ROLE, 'create')]).toEqual(['batch/jobs']);
    expect([...granted(REMEDIATOR_ROLE, 'delete')]).toEqual(['batch/jobs']);
    expect(granted(REMEDIATOR_ROLE, 'get')).toContain('batch/jobs/status');
    expect(granted(REMEDIATOR_ROLE, 'get')).toContain('/pods');
    for (const verb of ['update', 'escalate', 'bind', 'deletecollection'])
      expect([...granted(REMEDIATOR_ROLE, verb)], verb).toEqual([]);
    for (const verb of ['get', 'list', 'watch', 'patch', 'create']) {
      expect(granted(REMEDIATOR_ROLE, verb), verb).not.toContain('/secrets');
      expect(granted(REMEDIATOR_ROLE, verb), verb).not.toContain('/configmaps');
    }
  });

  it('are labelled as Guardian’s tenant RBAC and use no wildcard', () => {
    for (const role of tenantClusterRoles()) {
      expect(role.metadata.labels['app.kubernetes.io/component']).toBe('tenant-rbac');
      for (const rule of role.rules as PolicyRule[])
        expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
    }
  });
});
