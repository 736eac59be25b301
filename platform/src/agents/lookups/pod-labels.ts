import type { Stored } from '../kinds.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Workload } from '../workloads.ts';

type Labels = Readonly<Record<string, string>>;

/** One distinct label set, with the pod templates (workloads of §0.3, batch included) and live Pods carrying it. */
interface LabelSet {
  labels: Labels;
  workloads: Workload[];
  pods: Stored<'Pod'>[];
}

// Distinct label sets only: a Deployment's live Pods mostly repeat its template's labels, so a
// selector is matched once per set, not once per Pod.
const build = (snapshot: Snapshot): readonly LabelSet[] => {
  const sets = new Map<string, LabelSet>();
  const setOf = (labels: Labels) => {
    const key = JSON.stringify(Object.entries(labels).sort());
    let set = sets.get(key);
    if (!set) {
      set = { labels, workloads: [], pods: [] };
      sets.set(key, set);
    }
    return set;
  };
  for (const workload of snapshot.workloads) setOf(workload.podLabels).workloads.push(workload);
  for (const pod of snapshot.list('Pod')) setOf(pod.metadata.labels ?? {}).pods.push(pod);
  return [...sets.values()];
};

/**
 * Whether `matches` holds for the labels of some pod: of a pod template of any workload (batch
 * included) or of a live Pod. What "a selector that matches nothing" is checked against.
 */
export function somePodLabels(snapshot: Snapshot, matches: (labels: Labels) => boolean): boolean {
  return snapshot.memo(build).some((set) => matches(set.labels));
}

/** What a selector matches: pod templates of workloads (batch included) and live Pods. */
export interface PodsMatched {
  workloads: readonly Workload[];
  pods: readonly Stored<'Pod'>[];
}

/**
 * The workloads whose pod template labels, and the live Pods whose labels, `matches` holds for; each
 * in snapshot order. The one place selectors meet pod labels (Services, PDBs, NetworkPolicies).
 */
export function podsMatching(snapshot: Snapshot, matches: (labels: Labels) => boolean): PodsMatched {
  const matched = snapshot.memo(build).filter((set) => matches(set.labels));
  if (matched.length === 0) return { workloads: [], pods: [] };
  const workloads = new Set(matched.flatMap((set) => set.workloads));
  const pods = new Set(matched.flatMap((set) => set.pods));
  return {
    workloads: snapshot.workloads.filter((workload) => workloads.has(workload)),
    pods: snapshot.list('Pod').filter((pod) => pods.has(pod)),
  };
}
