import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../types.ts';
import { catalog, describeCatalog } from './index.ts';

// AGENTS.md §0.12 and §6, for the agents implemented so far.
const CATEGORY: Record<string, string> = {
  'privileged-containers': 'security',
  'host-namespaces': 'security',
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
