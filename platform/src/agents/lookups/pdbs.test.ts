import { describe, expect, it } from 'vitest';
import { type KubeManifest, snapshotOf } from '../testing/case.ts';
import { controllerChain, deployment, job, pod, replicaSet } from '../testing/manifests.ts';
import { pdbsMatching, selectsNoPods } from './pdbs.ts';

const pdb = (
  name: string,
  selector: KubeManifest['metadata']['labels'] | undefined | 'all',
): KubeManifest => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name },
  spec: { minAvailable: 1, selector: selector === 'all' ? {} : selector && { matchLabels: selector } },
});

describe('PDB lookups', () => {
  it('matches templates by LabelSelector; an empty selector matches all, an absent one nothing', () => {
    const snapshot = snapshotOf([
      deployment('web'),
      job('once'),
      pdb('web', { app: 'web' }),
      pdb('everything', 'all'),
      pdb('nothing', undefined),
      pdb('api', { app: 'api' }),
    ]);
    const matching = snapshot.workloads.map((workload) => [
      workload.object.metadata.name,
      pdbsMatching(snapshot, workload).map((p) => p.metadata.name),
    ]);
    expect(matching).toEqual([
      ['web', ['web', 'everything']],
      ['once', ['everything']],
    ]);
  });

  it('finds a PDB that selects no template and no live Pod', () => {
    const [live] = controllerChain(
      { ...pod('rs-pod'), metadata: { name: 'rs-pod', labels: { app: 'only-live' } } },
      replicaSet('old'),
    );
    const snapshot = snapshotOf([
      deployment('web'),
      live,
      pdb('web', { app: 'web' }),
      pdb('live', { app: 'only-live' }),
      pdb('api', { app: 'api' }),
      pdb('nothing', undefined),
    ]);
    const noPods = snapshot
      .list('PodDisruptionBudget')
      .filter((p) => selectsNoPods(snapshot, p))
      .map((p) => p.metadata.name);
    expect(noPods).toEqual(['api', 'nothing']);
  });
});
