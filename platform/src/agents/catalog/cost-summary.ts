import type { Stored } from '../kinds.ts';
import { cents, claimPrice } from '../semantics/pricing.ts';
import type { RunContext } from '../types.ts';
import { pricedReplicas, replicaPrice } from './cost-scope.ts';

/** The label that names an object's team (a Team of the organization, by name). */
export const TEAM_LABEL = 'guardian.aiops.dev/team';
/** Where objects without a team label count. */
export const UNASSIGNED = 'unassigned';

/**
 * What the namespace reserves per month (AGENTS.md §1), returned beside the findings of the cost
 * agents: the total of workloads, claims and LoadBalancers, what each priced workload costs, and the
 * total by team. A workload counts under its `guardian.aiops.dev/team` label, a claim or a
 * LoadBalancer Service under its own, an object without one under `unassigned`. Batch workloads are
 * not in it: how long they run is unknown.
 */
export type CostSummary = {
  currency: string;
  monthlyTotal: number;
  /** Priced workloads (§1's scope), most expensive first. */
  byWorkload: { kind: string; name: string; monthly: number }[];
  /** Every priced object's cost, by team, most expensive first. */
  byTeam: { team: string; monthly: number }[];
};

export function costSummary(run: RunContext): CostSummary {
  const { snapshot, settings } = run;
  const { prices } = settings;
  const workloads = snapshot.workloads.flatMap((workload) => {
    const replicas = pricedReplicas(workload.object);
    if (replicas === undefined) return [];
    return [{ object: workload.object, monthly: replicas * replicaPrice(workload, run).monthly }];
  });
  const claims = snapshot
    .list('PersistentVolumeClaim')
    .map((claim) => ({ object: claim, monthly: claimPrice(claim, prices).monthly }));
  const loadBalancers = snapshot
    .list('Service')
    .filter((service) => service.spec?.type === 'LoadBalancer')
    .map((service) => ({ object: service, monthly: prices.loadBalancer }));
  const priced: { object: Stored; monthly: number }[] = [...workloads, ...claims, ...loadBalancers];
  const teams = new Map<string, number>();
  for (const { object, monthly } of priced) {
    const team = object.metadata.labels?.[TEAM_LABEL] || UNASSIGNED;
    teams.set(team, (teams.get(team) ?? 0) + monthly);
  }
  return {
    currency: settings.currency,
    monthlyTotal: cents(priced.reduce((total, { monthly }) => total + monthly, 0)),
    byWorkload: mostFirst(
      workloads.map(({ object, monthly }) => ({
        kind: object.kind,
        name: object.metadata.name,
        monthly: cents(monthly),
      })),
      (w) => `${w.kind}/${w.name}`,
    ),
    byTeam: mostFirst(
      [...teams].map(([team, monthly]) => ({ team, monthly: cents(monthly) })),
      (t) => t.team,
    ),
  };
}

/** Most expensive first; equal amounts by name, so the order is the same every run. */
function mostFirst<T extends { monthly: number }>(items: T[], name: (item: T) => string): T[] {
  return items.sort((a, b) => b.monthly - a.monthly || name(a).localeCompare(name(b)));
}
