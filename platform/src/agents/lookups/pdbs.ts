import type { Stored } from '../kinds.ts';
import { labelSelectorMatches } from '../semantics/selectors.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Workload } from '../workloads.ts';

type Pdb = Stored<'PodDisruptionBudget'>;

const byWorkload = (snapshot: Snapshot) => {
  const index = new Map<Workload, Pdb[]>();
  const pdbs = snapshot.list('PodDisruptionBudget');
  for (const workload of snapshot.workloads) {
    const matching = pdbs.filter((pdb) => labelSelectorMatches(pdb.spec?.selector, workload.podLabels));
    if (matching.length > 0) index.set(workload, matching);
  }
  return index;
};

/** PDBs whose selector (a LabelSelector; absent selects nothing) matches the workload's template labels. */
export function pdbsMatching(snapshot: Snapshot, workload: Workload): readonly Pdb[] {
  return snapshot.memo(byWorkload).get(workload) ?? [];
}

// Every pod-template label set (workloads of §0.3, batch included) and every live Pod's labels.
// The security agents may add one shared lookup of these (pod-labels); this is the PDBs' own until then.
const podLabelSets = (snapshot: Snapshot): readonly Readonly<Record<string, string>>[] => [
  ...snapshot.workloads.map((workload) => workload.podLabels),
  ...snapshot.list('Pod').map((pod) => pod.metadata.labels ?? {}),
];

/** The PDB's selector matches no pod template and no live Pod. */
export function selectsNoPods(snapshot: Snapshot, pdb: Pdb): boolean {
  return !snapshot.memo(podLabelSets).some((labels) => labelSelectorMatches(pdb.spec?.selector, labels));
}
