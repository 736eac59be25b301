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
export function podsMatching(
  snapshot: Snapshot,
  matches: (labels: Labels) => boolean,
  /** Labels every set `matches` holds for carries (a map selector's): only sets with them are tried. */
  carrying?: Labels,
): PodsMatched {
  const matched = candidates(snapshot, carrying).filter((set) => matches(set.labels));
  // Each workload and Pod is in one set, in snapshot order: one set's are already in order, and
  // several sets' are merged by position (never by scanning the namespace: once per selector, that
  // would grow with the square of its size).
  if (matched.length <= 1)
    return { workloads: [...(matched[0]?.workloads ?? [])], pods: [...(matched[0]?.pods ?? [])] };
  const { workloadAt, podAt } = snapshot.memo(positions);
  return {
    workloads: matched
      .flatMap((set) => set.workloads)
      .sort((a, b) => (workloadAt.get(a) ?? 0) - (workloadAt.get(b) ?? 0)),
    pods: matched.flatMap((set) => set.pods).sort((a, b) => (podAt.get(a) ?? 0) - (podAt.get(b) ?? 0)),
  };
}

/** The sets carrying `labels`' rarest key/value (every set without `labels`). */
function candidates(snapshot: Snapshot, labels: Labels | undefined): readonly LabelSet[] {
  const pairs = Object.entries(labels ?? {});
  if (pairs.length === 0) return snapshot.memo(build);
  const index = snapshot.memo(byPair);
  const lists = pairs.map(([key, value]) => index.get(pairKey(key, value)) ?? []);
  return lists.reduce((fewest, list) => (list.length < fewest.length ? list : fewest));
}

const pairKey = (key: string, value: string) => JSON.stringify([key, value]);

const byPair = (snapshot: Snapshot) => {
  const index = new Map<string, LabelSet[]>();
  for (const set of snapshot.memo(build)) {
    for (const [key, value] of Object.entries(set.labels)) {
      const entry = index.get(pairKey(key, value));
      if (entry) entry.push(set);
      else index.set(pairKey(key, value), [set]);
    }
  }
  return index;
};

const positions = (snapshot: Snapshot) => ({
  workloadAt: new Map(snapshot.workloads.map((workload, index) => [workload, index])),
  podAt: new Map(snapshot.list('Pod').map((pod, index) => [pod, index])),
});
