import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../types.ts';
import { catalog, describeCatalog } from './index.ts';

// AGENTS.md §0.12 and §6: every agent and check of the catalog.
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
  'service-health': 'reliability',
  'ingress-health': 'reliability',
  probes: 'reliability',
  'resource-limits': 'reliability',
  'high-availability': 'reliability',
  'rollout-health': 'deployment',
  'pod-runtime': 'observability',
  'statefulset-config': 'reliability',
  'hpa-config': 'reliability',
  'pdb-config': 'reliability',
  'batch-jobs': 'deployment',
  events: 'observability',
  storage: 'reliability',
  'dangling-references': 'deployment',
  'image-hygiene': 'deployment',
  'config-hygiene': 'deployment',
  'cost-estimator': 'cost',
  'idle-resources': 'cost',
  'service-cost': 'cost',
  'pod-security-standards': 'compliance',
  'cis-policies': 'compliance',
  'quota-governance': 'compliance',
  scheduling: 'observability',
  'node-health': 'observability',
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
service-health/selector-matches-nothing high spec
service-health/no-ready-endpoints high runtime
service-health/named-target-port-missing medium spec
ingress-health/backend-service-missing high spec
ingress-health/backend-port-missing medium spec
ingress-health/tls-secret-missing high spec
ingress-health/ingress-class-unset low spec
probes/readiness-missing medium spec
probes/liveness-missing low spec
probes/identical-probes medium spec
resource-limits/cpu-request-missing medium spec
resource-limits/memory-request-missing medium spec
resource-limits/cpu-limit-missing low spec
resource-limits/memory-limit-missing medium spec
resource-limits/ephemeral-storage-unset info spec
high-availability/single-replica medium spec
high-availability/missing-pdb medium spec
high-availability/no-spread low spec
high-availability/recreate-strategy low spec
rollout-health/workload-unavailable high runtime
rollout-health/pods-unschedulable high runtime
rollout-health/pod-creation-failing high runtime
rollout-health/progress-deadline-exceeded high runtime
pod-runtime/crash-looping high runtime
pod-runtime/image-pull-failing high runtime
pod-runtime/container-config-error high runtime
pod-runtime/oom-killed high runtime
pod-runtime/frequent-restarts medium runtime
pod-runtime/evicted medium runtime
statefulset-config/service-missing high spec
statefulset-config/service-not-headless medium spec
statefulset-config/storageclass-missing medium spec
hpa-config/target-missing high spec
hpa-config/min-equals-max low spec
hpa-config/min-below-two low spec
hpa-config/target-lacks-requests medium spec
hpa-config/pdb-conflicts-with-min medium spec
hpa-config/scaling-inactive low runtime
pdb-config/blocks-all-evictions medium spec
pdb-config/selects-no-pods low spec
pdb-config/overlapping medium spec
pdb-config/no-disruptions-allowed medium runtime
pdb-config/no-policy low spec
batch-jobs/job-no-ttl low spec
batch-jobs/job-suspended low spec
batch-jobs/cronjob-no-starting-deadline low spec
batch-jobs/cronjob-suspended low spec
batch-jobs/job-failed high runtime
events/warning-events medium runtime
storage/pvc-storageclass-missing medium spec
storage/pvc-pending high runtime
storage/pvc-lost critical runtime
storage/emptydir-no-size-limit low spec
storage/multiple-default-storageclasses medium spec
dangling-references/missing-secret high spec
dangling-references/missing-configmap high spec
dangling-references/missing-pvc high spec
dangling-references/missing-image-pull-secret medium spec
image-hygiene/tag-missing-or-latest high spec
image-hygiene/latest-not-always-pulled medium spec
image-hygiene/not-pinned-by-digest info spec
image-hygiene/registry-not-allowed medium spec
config-hygiene/configmap-unused info spec
config-hygiene/configmap-empty info spec
config-hygiene/secret-unused info spec
config-hygiene/naked-pod low spec
cost-estimator/unpriced-workload low spec
cost-estimator/monthly-cost-high info spec
cost-estimator/hpa-ceiling-cost-high low spec
idle-resources/pvc-unused medium spec
idle-resources/loadbalancer-idle high runtime
idle-resources/workload-scaled-to-zero info spec
service-cost/loadbalancer-service info spec
service-cost/duplicate-loadbalancers low spec
pod-security-standards/baseline-violation high spec
pod-security-standards/restricted-violation medium spec
cis-policies/default-sa-automount low spec
cis-policies/namespace-without-networkpolicy medium spec
quota-governance/quota-near-limit medium runtime
quota-governance/namespace-without-resourcequota low spec
quota-governance/namespace-without-limitrange low spec
scheduling/node-selector-matches-no-node high spec
scheduling/requests-exceed-node-allocatable high spec
node-health/node-not-ready critical runtime
node-health/node-pressure high runtime
node-health/node-cordoned low spec
`;

describe('catalog', () => {
  it('has the checks of the check index, with their severities and modes', () => {
    const checks = catalog.flatMap((agent) =>
      agent.checks.map((check) => `${agent.id}/${check.id} ${check.severity} ${check.mode}`),
    );
    expect(checks).toEqual(CHECK_INDEX.trim().split('\n'));
    expect(catalog).toHaveLength(37);
    expect(checks).toHaveLength(133);
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
