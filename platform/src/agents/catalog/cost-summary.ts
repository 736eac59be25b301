import type { Stored } from '../kinds.ts';
import { cents, claimPrice } from '../semantics/pricing.ts';
import type { RunContext } from '../types.ts';
import { pricedReplicas, replicaPrice } from './cost-scope.ts';
import { nameList } from './text.ts';

/** The namespace's monthly totals (AGENTS.md §1), returned beside the findings. */
export type CostSummary = {
  currency: string;
  monthly: { workloads: number; storage: number; loadBalancers: number; total: number };
  workloads: {
    kind: string;
    name: string;
    replicas: number;
    perReplica: number;
    monthly: number;
    unpriced: string[];
  }[];
  /** Not in the totals: a run's length is unknown. What it costs per month while it runs. */
  batch: { kind: string; name: string; parallelism: number; monthlyWhileRunning: number }[];
  claims: { name: string; gib: number; monthly: number }[];
  loadBalancers: string[];
};

export function costSummary(run: RunContext): CostSummary {
  const { snapshot, settings } = run;
  const { prices } = settings;
  const workloads = snapshot.workloads.flatMap((workload) => {
    const replicas = pricedReplicas(workload.object);
    if (replicas === undefined) return [];
    const price = replicaPrice(workload, run);
    return [
      {
        ...ref(workload.object),
        replicas,
        perReplica: price.monthly,
        monthly: replicas * price.monthly,
        unpriced: nameList(price.unpriced),
      },
    ];
  });
  const batch = snapshot.workloads.flatMap(({ object }) => {
    if (object.kind !== 'Job' && object.kind !== 'CronJob') return [];
    const parallelism =
      (object.kind === 'Job' ? object.spec?.parallelism : object.spec?.jobTemplate.spec?.parallelism) ?? 1;
    return [
      {
        ...ref(object),
        parallelism,
        monthlyWhileRunning: cents(parallelism * replicaPrice(object, run).monthly),
      },
    ];
  });
  const claims = snapshot
    .list('PersistentVolumeClaim')
    .map((claim) => ({ name: claim.metadata.name, ...claimPrice(claim, prices) }));
  const loadBalancers = snapshot.list('Service').filter((service) => service.spec?.type === 'LoadBalancer');
  const totals = {
    workloads: sum(workloads.map((workload) => workload.monthly)),
    storage: sum(claims.map((claim) => claim.monthly)),
    loadBalancers: loadBalancers.length * prices.loadBalancer,
  };
  return {
    currency: settings.currency,
    monthly: {
      workloads: cents(totals.workloads),
      storage: cents(totals.storage),
      loadBalancers: cents(totals.loadBalancers),
      total: cents(totals.workloads + totals.storage + totals.loadBalancers),
    },
    workloads: workloads.map((w) => ({ ...w, perReplica: cents(w.perReplica), monthly: cents(w.monthly) })),
    batch,
    claims: claims.map((claim) => ({ ...claim, monthly: cents(claim.monthly) })),
    loadBalancers: nameList(loadBalancers),
  };
}

const ref = (object: Stored) => ({ kind: object.kind, name: object.metadata.name });
const sum = (amounts: readonly number[]) => amounts.reduce((total, amount) => total + amount, 0);
