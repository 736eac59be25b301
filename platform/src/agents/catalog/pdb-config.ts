import { named, type Stored } from '../kinds.ts';
import { pdbsMatching, selectsNoPods } from '../lookups/pdbs.ts';
import { percentOf } from '../semantics/int-or-percent.ts';
import { workloadClass } from '../semantics/workload-class.ts';
import type { Agent, Check, Json } from '../types.ts';
import { describeCommand, fragment, nameList } from './text.ts';

type Pdb = Stored<'PodDisruptionBudget'>;

const policyOf = (pdb: Pdb): { [key: string]: Json } => ({
  minAvailable: pdb.spec?.minAvailable ?? null,
  maxUnavailable: pdb.spec?.maxUnavailable ?? null,
});

/** The selector as evidence: null when absent (which selects nothing). */
function selectorOf(pdb: Pdb): Json {
  const selector = pdb.spec?.selector;
  if (selector === undefined) return null;
  return {
    matchLabels: selector.matchLabels ?? {},
    matchExpressions: (selector.matchExpressions ?? []).map(({ key, operator, values = [] }) => ({
      key,
      operator,
      values,
    })),
  };
}

const blocksAllEvictions: Check = {
  id: 'blocks-all-evictions',
  severity: 'medium',
  mode: 'spec',
  title: 'PDBs that allow no voluntary eviction',
  target: 'PodDisruptionBudget',
  detect(pdb) {
    const { maxUnavailable, minAvailable } = pdb.spec ?? {};
    const blocks = maxUnavailable === 0 || percentOf(maxUnavailable) === 0 || percentOf(minAvailable) === 100;
    if (!blocks) return undefined;
    return {
      message: `${named(pdb)} allows no Pod to be evicted (${maxUnavailable === undefined ? `minAvailable: ${minAvailable}` : `maxUnavailable: ${maxUnavailable}`}): node drains and upgrades block on it.`,
      remediation: `Allow one Pod at a time to go.\n${fragment('spec', ['maxUnavailable: 1'])}`,
      evidence: policyOf(pdb),
    };
  },
};

const selectsNoPodsCheck: Check = {
  id: 'selects-no-pods',
  severity: 'low',
  mode: 'spec',
  title: 'PDBs that select no Pod',
  target: 'PodDisruptionBudget',
  detect(pdb, { snapshot }) {
    if (!selectsNoPods(snapshot, pdb)) return undefined;
    return {
      message: `${named(pdb)} selects no pod template and no Pod: it protects nothing.`,
      remediation:
        'Make spec.selector match the pod template labels of the workload to protect, or delete the PDB.',
      evidence: { selector: selectorOf(pdb) },
    };
  },
};

const overlapping: Check = {
  id: 'overlapping',
  severity: 'medium',
  mode: 'spec',
  title: 'Workloads selected by more than one PDB',
  target: 'Workload',
  detect(workload, { snapshot }) {
    if (workloadClass(workload.object) === 'batch') return undefined;
    const pdbs = pdbsMatching(snapshot, workload);
    if (pdbs.length < 2) return undefined;
    return {
      message: `${named(workload.object)} is selected by several PodDisruptionBudgets (${nameList(pdbs).join(', ')}): the eviction API refuses its Pods.`,
      remediation: 'Keep one PodDisruptionBudget per workload: narrow or delete the others.',
      evidence: { pdbs: nameList(pdbs) },
    };
  },
};

const noDisruptionsAllowed: Check = {
  id: 'no-disruptions-allowed',
  severity: 'medium',
  mode: 'runtime',
  title: 'PDBs that currently allow no disruption',
  target: 'PodDisruptionBudget',
  detect(pdb, { snapshot }) {
    const expectedPods = pdb.status?.expectedPods ?? 0;
    const disruptionsAllowed = pdb.status?.disruptionsAllowed ?? 0;
    if (expectedPods === 0 || disruptionsAllowed !== 0) return undefined;
    return {
      message: `${named(pdb)} allows no disruption now: ${pdb.status?.currentHealthy ?? 0} of ${expectedPods} Pods healthy, ${pdb.status?.desiredHealthy ?? 0} required.`,
      remediation: `Run more replicas than the budget requires, or relax it; until then node drains wait:\n${describeCommand(pdb, snapshot.namespace)}`,
      evidence: {
        expectedPods,
        currentHealthy: pdb.status?.currentHealthy ?? 0,
        desiredHealthy: pdb.status?.desiredHealthy ?? 0,
        disruptionsAllowed,
      },
    };
  },
};

const noPolicy: Check = {
  id: 'no-policy',
  severity: 'low',
  mode: 'spec',
  title: 'PDBs with neither minAvailable nor maxUnavailable',
  target: 'PodDisruptionBudget',
  detect(pdb) {
    if (pdb.spec?.minAvailable !== undefined || pdb.spec?.maxUnavailable !== undefined) return undefined;
    return {
      message: `${named(pdb)} sets neither minAvailable nor maxUnavailable.`,
      remediation: `Say how many Pods may go at once.\n${fragment('spec', ['maxUnavailable: 1'])}`,
      evidence: policyOf(pdb),
    };
  },
};

export const pdbConfig: Agent = {
  id: 'pdb-config',
  name: 'PodDisruptionBudget configuration',
  category: 'reliability',
  description: 'PodDisruptionBudgets that protect nothing, or block every eviction.',
  checks: [blocksAllEvictions, selectsNoPodsCheck, overlapping, noDisruptionsAllowed, noPolicy],
};
