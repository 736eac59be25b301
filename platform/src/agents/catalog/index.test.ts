import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../types.ts';
import { catalog, describeCatalog } from './index.ts';

// AGENTS.md §0.12 and §6, for the agents implemented so far.
const CATEGORY: Record<string, string> = {
  'privileged-containers': 'security',
  'host-namespaces': 'security',
  'host-filesystem': 'security',
  'linux-capabilities': 'security',
  'run-as-non-root': 'security',
  'immutable-filesystem': 'security',
  'syscall-confinement': 'security',
  'service-account-tokens': 'security',
  'secrets-exposure': 'security',
  'rbac-roles': 'security',
  'rbac-bindings': 'security',
  'network-exposure': 'security',
  'network-policy': 'security',
  'resource-limits': 'reliability',
  'rollout-health': 'deployment',
  'cost-estimator': 'cost',
  'pod-security-standards': 'compliance',
  'cis-policies': 'compliance',
  'quota-governance': 'compliance',
};
const CHECK_INDEX = `
privileged-containers/privileged critical spec
privileged-containers/allow-privilege-escalation high spec
privileged-containers/host-process critical spec
privileged-containers/unmasked-proc-mount high spec
host-namespaces/host-network high spec
host-namespaces/host-pid high spec
host-namespaces/host-ipc high spec
host-namespaces/host-port medium spec
host-filesystem/host-path-volume high spec
host-filesystem/host-path-writable high spec
host-filesystem/container-runtime-socket critical spec
linux-capabilities/dangerous-added high spec
linux-capabilities/added-beyond-baseline medium spec
linux-capabilities/drop-all-missing low spec
run-as-non-root/root-allowed high spec
run-as-non-root/uid-zero high spec
run-as-non-root/low-uid-gid low spec
immutable-filesystem/writable-root-filesystem medium spec
syscall-confinement/seccomp-missing medium spec
syscall-confinement/seccomp-unconfined high spec
syscall-confinement/apparmor-unconfined high spec
syscall-confinement/selinux-custom medium spec
service-account-tokens/automount-enabled medium spec
service-account-tokens/default-service-account low spec
service-account-tokens/missing-service-account high spec
secrets-exposure/secret-literal-in-env high spec
secrets-exposure/secret-in-configmap high spec
secrets-exposure/secret-env-reference low spec
rbac-roles/wildcard-rule medium spec
rbac-roles/secrets-read medium spec
rbac-roles/pod-exec-attach high spec
rbac-roles/create-pods medium spec
rbac-roles/escalate-bind-impersonate high spec
rbac-roles/sa-token-create medium spec
rbac-bindings/binds-cluster-admin critical spec
rbac-bindings/binds-admin-clusterrole high spec
rbac-bindings/broad-subject critical spec
rbac-bindings/missing-role low spec
network-exposure/nodeport-service medium spec
network-exposure/loadbalancer-unrestricted medium spec
network-exposure/ingress-without-tls medium spec
network-exposure/external-ips high spec
network-policy/policy-selects-nothing low spec
network-policy/allow-all-ingress medium spec
network-policy/allow-all-egress low spec
network-policy/pod-not-isolated-ingress medium spec
network-policy/pod-not-isolated-egress low spec
resource-limits/cpu-request-missing medium spec
resource-limits/memory-request-missing medium spec
resource-limits/cpu-limit-missing low spec
resource-limits/memory-limit-missing medium spec
resource-limits/ephemeral-storage-unset info spec
rollout-health/workload-unavailable high runtime
rollout-health/pods-unschedulable high runtime
rollout-health/pod-creation-failing high runtime
rollout-health/progress-deadline-exceeded high runtime
cost-estimator/unpriced-workload low spec
cost-estimator/monthly-cost-high info spec
cost-estimator/hpa-ceiling-cost-high low spec
pod-security-standards/baseline-violation high spec
pod-security-standards/restricted-violation medium spec
cis-policies/default-sa-automount low spec
cis-policies/namespace-without-networkpolicy medium spec
quota-governance/quota-near-limit medium runtime
quota-governance/namespace-without-resourcequota low spec
quota-governance/namespace-without-limitrange low spec
`;

describe('catalog', () => {
  it('has the checks of the check index, with their severities and modes', () => {
    const checks = catalog.flatMap((agent) =>
      agent.checks.map((check) => `${agent.id}/${check.id} ${check.severity} ${check.mode}`),
    );
    expect(checks).toEqual(CHECK_INDEX.trim().split('\n'));
  });

  it('puts each agent in its category of §0.12', () => {
    for (const agent of catalog) {
      expect(CATEGORIES).toContain(agent.category);
      expect(agent.category).toBe(CATEGORY[agent.id]);
    }
  });

  it('describes each agent as GET /agents serves it', () => {
    const [first] = describeCatalog();
    expect(first).toEqual({
      id: 'privileged-containers',
      name: 'Privileged containers',
      category: 'security',
      description: 'Containers that run with (or can gain) host-level privileges.',
      checks: [
        { id: 'privileged-containers/privileged', severity: 'critical', title: 'Containers run privileged' },
        {
          id: 'privileged-containers/allow-privilege-escalation',
          severity: 'high',
          title: 'Containers may gain more privileges than their process started with',
        },
        {
          id: 'privileged-containers/host-process',
          severity: 'critical',
          title: 'Windows HostProcess containers',
        },
        {
          id: 'privileged-containers/unmasked-proc-mount',
          severity: 'high',
          title: 'Containers mount /proc unmasked',
        },
      ],
    });
    expect(describeCatalog().map((agent) => agent.id)).toEqual(catalog.map((agent) => agent.id));
  });
});
