import type { Snapshot } from '../snapshot.ts';

type Labels = Readonly<Record<string, string>>;

// Distinct label sets only: a Deployment's live Pods mostly repeat its template's labels.
const build = (snapshot: Snapshot): readonly Labels[] => {
  const sets = new Map<string, Labels>();
  const add = (labels: Labels) => sets.set(JSON.stringify(Object.entries(labels).sort()), labels);
  for (const workload of snapshot.workloads) add(workload.podLabels);
  for (const pod of snapshot.list('Pod')) add(pod.metadata.labels ?? {});
  return [...sets.values()];
};

/**
 * Whether `matches` holds for the labels of some pod: of a pod template of any workload (batch
 * included) or of a live Pod. What "a selector that matches nothing" is checked against.
 */
export function somePodLabels(snapshot: Snapshot, matches: (labels: Labels) => boolean): boolean {
  return snapshot.memo(build).some(matches);
}
