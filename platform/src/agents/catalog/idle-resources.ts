import { named } from '../kinds.ts';
import { withoutReadyEndpoints } from '../lookups/endpoints.ts';
import { isStatefulSetClaim, referencedByPods } from '../lookups/references.ts';
import { cents, claimPrice, formatMoney } from '../semantics/pricing.ts';
import type { Agent, Check } from '../types.ts';
import { costSummary } from './cost-summary.ts';
import { fragment } from './text.ts';

const pvcUnused: Check = {
  id: 'pvc-unused',
  severity: 'medium',
  mode: 'spec',
  title: 'PersistentVolumeClaims no Pod uses',
  target: 'PersistentVolumeClaim',
  detect(claim, { snapshot, settings }) {
    const { name } = claim.metadata;
    // A generic ephemeral volume's claim belongs to its Pod, and goes with it.
    if ((claim.metadata.ownerReferences ?? []).some((owner) => owner.kind === 'Pod')) return undefined;
    if (referencedByPods(snapshot, 'PersistentVolumeClaim', name) || isStatefulSetClaim(snapshot, name))
      return undefined;
    const { gib, monthly } = claimPrice(claim, settings.prices);
    return {
      message: `${named(claim)} is mounted by no pod template or Pod, and costs about ${formatMoney(monthly, settings.currency)} a month (${gib} GiB).`,
      remediation: `Delete it once its data is no longer needed (or backed up):\nkubectl -n ${snapshot.namespace} delete persistentvolumeclaim ${name}`,
      evidence: { storageGiB: gib, monthly: cents(monthly), currency: settings.currency },
    };
  },
};

const loadBalancerIdle: Check = {
  id: 'loadbalancer-idle',
  severity: 'high',
  mode: 'runtime',
  title: 'LoadBalancer Services with no ready endpoint',
  target: 'Service',
  detect(service, { snapshot, settings }) {
    if (service.spec?.type !== 'LoadBalancer') return undefined;
    const missing = withoutReadyEndpoints(snapshot, service);
    if (!missing) return undefined;
    const monthly = settings.prices.loadBalancer;
    return {
      message: `${named(service)} is a load balancer (about ${formatMoney(monthly, settings.currency)} a month) with no ready endpoint: it is paid for and serves nothing.`,
      remediation: `Fix the Pods it selects, or delete it:\nkubectl -n ${snapshot.namespace} delete service ${service.metadata.name}`,
      evidence: { ...missing, monthly: cents(monthly), currency: settings.currency },
    };
  },
};

const workloadScaledToZero: Check = {
  id: 'workload-scaled-to-zero',
  severity: 'info',
  mode: 'spec',
  title: 'Deployments and StatefulSets scaled to zero',
  target: 'Workload',
  detect({ object }) {
    if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') return undefined;
    if (object.spec?.replicas !== 0) return undefined;
    return {
      message: `${named(object)} is scaled to zero: it runs nothing, but its claims, Services and configuration remain.`,
      remediation: `Delete it and what only it uses if it is no longer needed, or scale it up.\n${fragment('spec', ['replicas: 1'])}`,
      evidence: { replicas: 0 },
    };
  },
};

export const idleResources: Agent = {
  id: 'idle-resources',
  name: 'Idle resources',
  category: 'cost',
  description: 'Claims, load balancers and workloads that cost money or attention and serve nothing.',
  checks: [pvcUnused, loadBalancerIdle, workloadScaledToZero],
  summarize: costSummary,
};
