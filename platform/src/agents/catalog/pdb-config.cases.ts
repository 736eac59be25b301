import type { V1PodDisruptionBudgetStatus } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { cronJob, deployment, pdb, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('pdb-config');
/** The row's Deployment of `replicas`, named after the row. */
const deploymentOf = (row: string, replicas: number) =>
  deployment(name(row), podSpec(), { spec: { replicas } });
/** What the disruption controller writes once the Deployment's Pods are Ready (kwok makes them so). */
const healthy = (expectedPods: number, desiredHealthy: number): V1PodDisruptionBudgetStatus => ({
  observedGeneration: 1,
  expectedPods,
  currentHealthy: expectedPods,
  desiredHealthy,
  disruptionsAllowed: Math.max(0, expectedPods - desiredHealthy),
});
const NOTE = "the disruption controller writes this status once the Deployment's Pods are Ready";

const noneUnavailable = pdb(
  name('none-unavailable-pdb'),
  name('none-unavailable'),
  { maxUnavailable: 0 },
  healthy(2, 2),
);
const allAvailable = pdb(
  name('all-available-pdb'),
  name('all-available'),
  { minAvailable: '100%' },
  healthy(1, 1),
);
const minEqualsReplicas = pdb(
  name('min-replicas-pdb'),
  name('min-replicas'),
  { minAvailable: 1 },
  healthy(1, 1),
);
const selectsNothing = pdb(name('nothing-pdb'), name('nothing'), { maxUnavailable: 1 });
const noSelector = pdb(name('no-selector-pdb'), name('no-selector'), {
  maxUnavailable: 1,
  selector: undefined,
});
const overlapped = deploymentOf('overlapped', 2);
const noPolicy = pdb(name('no-policy-pdb'), name('no-policy'));

export const pdbConfigCases: readonly Case[] = [
  {
    name: 'maxUnavailable: 0',
    objects: [deploymentOf('none-unavailable', 2), noneUnavailable],
    expect: [
      found('blocks-all-evictions', noneUnavailable),
      found('no-disruptions-allowed', noneUnavailable),
    ],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'minAvailable: 100%',
    objects: [deploymentOf('all-available', 1), allAvailable],
    expect: [found('blocks-all-evictions', allAvailable), found('no-disruptions-allowed', allAvailable)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'an integer minAvailable equal to the replicas is caught at runtime only',
    objects: [deploymentOf('min-replicas', 1), minEqualsReplicas],
    expect: [found('no-disruptions-allowed', minEqualsReplicas)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'maxUnavailable: 1 of two healthy replicas',
    objects: [
      deploymentOf('one-unavailable', 2),
      pdb(name('one-unavailable-pdb'), name('one-unavailable'), { maxUnavailable: 1 }, healthy(2, 1)),
    ],
    expect: [],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a selector no template or Pod has',
    objects: [selectsNothing],
    expect: [found('selects-no-pods', selectsNothing)],
    note: 'selecting no Pod, the disruption controller writes expectedPods: 0',
  },
  {
    name: 'no selector selects nothing (policy/v1)',
    objects: [noSelector],
    expect: [found('selects-no-pods', noSelector)],
  },
  {
    name: 'two PDBs over one Deployment',
    objects: [
      overlapped,
      pdb(name('overlapped-pdb-a'), overlapped.metadata.name, { maxUnavailable: 1 }),
      pdb(name('overlapped-pdb-b'), overlapped.metadata.name, { maxUnavailable: 1 }),
    ],
    expect: [found('overlapping', overlapped)],
    note: 'the disruption controller computes each PDB alone: each allows one disruption. Afterwards it follows one PDB per Pod (MultiplePodDisruptionBudgets), so a PDB computed while the Pods started keeps that status: the integration test applies the PDBs once the Deployment is available',
  },
  {
    name: 'two PDBs over a CronJob: batch workloads are exempt',
    objects: [
      cronJob(name('batch')),
      pdb(name('batch-pdb-a'), name('batch'), { maxUnavailable: 1 }),
      pdb(name('batch-pdb-b'), name('batch'), { maxUnavailable: 1 }),
    ],
    expect: [],
    note: 'no Job has run yet (schedule 0 3 * * *): the PDBs expect no Pod',
  },
  {
    name: 'neither minAvailable nor maxUnavailable',
    objects: [deploymentOf('no-policy', 1), noPolicy],
    expect: [found('no-policy', noPolicy)],
    note: 'without a policy the disruption controller writes expectedPods: 0',
  },
];
