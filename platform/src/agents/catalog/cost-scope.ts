import type { Stored, WorkloadKind } from '../kinds.ts';
import { containerDefaultsOf } from '../lookups/limit-ranges.ts';
import { type PodPrice, podPrice } from '../semantics/pricing.ts';
import { desiredReplicas } from '../semantics/workload-class.ts';
import type { RunContext } from '../types.ts';
import { podTemplateOf, type Workload } from '../workloads.ts';

/**
 * The replicas cost-estimator prices a workload at, or undefined when out of its scope: controllers
 * with desired replicas > 0 (an HPA's target at its stored `spec.replicas`, which the HPA maintains),
 * bare Pods not Succeeded or Failed. Batch workloads are summarized, never findings.
 */
export function pricedReplicas(object: Stored<WorkloadKind>): number | undefined {
  if (object.kind === 'Job' || object.kind === 'CronJob') return undefined;
  if (object.kind === 'Pod' && ['Succeeded', 'Failed'].includes(object.status?.phase ?? '')) return undefined;
  const replicas = desiredReplicas(object) ?? 0;
  return replicas > 0 ? replicas : undefined;
}

/** What one replica of a workload (or of an HPA's target) costs, with the namespace's LimitRange defaults. */
export function replicaPrice(workload: Workload | Stored<WorkloadKind>, run: RunContext): PodPrice {
  const spec =
    'podSpec' in workload ? workload.podSpec : (podTemplateOf(workload)?.spec ?? { containers: [] });
  return podPrice(spec, containerDefaultsOf(run.snapshot), run.settings.prices);
}
