import type { Stored } from '../kinds.ts';
import { labelSelectorMatches } from '../semantics/selectors.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Workload } from '../workloads.ts';

type NetworkPolicy = Stored<'NetworkPolicy'>;

const byWorkload = (snapshot: Snapshot) => {
  const policies = snapshot.list('NetworkPolicy');
  return new Map(
    snapshot.workloads.map((workload) => [
      workload,
      // An absent podSelector is the empty one: every pod of the namespace.
      policies.filter((policy) => labelSelectorMatches(policy.spec?.podSelector ?? {}, workload.podLabels)),
    ]),
  );
};

/** The NetworkPolicies whose podSelector selects the workload's pod template (a bare Pod's labels). */
export function policiesSelecting(snapshot: Snapshot, workload: Workload): readonly NetworkPolicy[] {
  return snapshot.memo(byWorkload).get(workload) ?? [];
}
