import { describe, expect, it } from 'vitest';
import { type KubeManifest, snapshotOf } from '../testing/case.ts';
import { deployment, statefulSet } from '../testing/manifests.ts';
import { hpasTargeting, hpaTarget } from './hpa.ts';

const hpa = (name: string, kind: string, target: string): KubeManifest => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind, name: target }, maxReplicas: 3 },
});

describe('HPA lookups', () => {
  const snapshot = snapshotOf([
    deployment('web'),
    statefulSet('web-db'),
    hpa('web', 'Deployment', 'web'),
    hpa('web-again', 'Deployment', 'web'),
    hpa('db', 'StatefulSet', 'web'),
    hpa('legacy', 'ReplicationController', 'web'),
    hpa('gone', 'Deployment', 'deleted'),
  ]);
  const stored = (kind: 'HorizontalPodAutoscaler', name: string) => {
    const object = snapshot.get(kind, name);
    if (!object) throw new Error(`no ${kind} ${name}`);
    return object;
  };

  it('finds the HPAs that name a workload by kind and name', () => {
    const web = snapshot.get('Deployment', 'web');
    if (!web) throw new Error('no Deployment');
    expect(hpasTargeting(snapshot, web).map((h) => h.metadata.name)).toEqual(['web', 'web-again']);
    const db = snapshot.get('StatefulSet', 'web-db');
    if (!db) throw new Error('no StatefulSet');
    expect(hpasTargeting(snapshot, db)).toEqual([]);
  });

  it("resolves an HPA's target when it exists and is of a kind agents read", () => {
    expect(hpaTarget(snapshot, stored('HorizontalPodAutoscaler', 'web'))?.metadata.name).toBe('web');
    expect(hpaTarget(snapshot, stored('HorizontalPodAutoscaler', 'db'))).toBeUndefined();
    expect(hpaTarget(snapshot, stored('HorizontalPodAutoscaler', 'legacy'))).toBeUndefined();
    expect(hpaTarget(snapshot, stored('HorizontalPodAutoscaler', 'gone'))).toBeUndefined();
  });
});
