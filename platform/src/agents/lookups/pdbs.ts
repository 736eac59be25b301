import type { Stored } from '../kinds.ts';
import { labelSelectorMatches } from '../semantics/selectors.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Workload } from '../workloads.ts';
import { somePodLabels } from './pod-labels.ts';

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

/** The PDB's selector matches no pod template and no live Pod. */
export function selectsNoPods(snapshot: Snapshot, pdb: Pdb): boolean {
  return !somePodLabels(snapshot, (labels) => labelSelectorMatches(pdb.spec?.selector, labels));
}
