import { describe, expect, it } from 'vitest';
import type { Stored } from '../kinds.ts';
import { type KubeManifest, snapshotOf } from '../testing/case.ts';
import {
  container,
  controllerChain,
  cronJob,
  deployment,
  pod,
  podSpec,
  replicaSet,
  statefulSet,
} from '../testing/manifests.ts';
import {
  podsUsingClaim,
  referencedByPods,
  secretReferencedOutsidePods,
  workloadReferences,
} from './references.ts';

const claimVolume = (name: string, claimName: string) => ({ name, persistentVolumeClaim: { claimName } });

describe('references from pod specs', () => {
  it("leaves out a StatefulSet's volumes that its claim templates replace", () => {
    const spec = podSpec({ volumes: [claimVolume('data', 'data'), claimVolume('shared', 'shared')] });
    // Deployments come first among workloads.
    const snapshot = snapshotOf([
      statefulSet('db', spec, {
        spec: { serviceName: 'db', volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
      }),
      deployment('web', spec),
    ]);
    const claims = snapshot.workloads.map((workload) =>
      workloadReferences(workload).map((reference) => reference.name),
    );
    expect(claims).toEqual([['data', 'shared'], ['shared']]);
  });

  it('counts every template and live Pod, owned, scaled to zero or batch', () => {
    const envFrom = (configMap: string) =>
      podSpec({ containers: [container('app', { envFrom: [{ configMapRef: { name: configMap } }] })] });
    const [oldSet] = controllerChain(
      replicaSet('web-1', envFrom('config-v1')),
      deployment('web', envFrom('config-v2')),
    );
    const snapshot = snapshotOf([
      oldSet,
      deployment('web', envFrom('config-v2'), { spec: { replicas: 0 } }),
      cronJob('nightly', envFrom('nightly')),
      pod('debug', envFrom('debug')),
    ]);
    for (const name of ['config-v1', 'config-v2', 'nightly', 'debug']) {
      expect(referencedByPods(snapshot, 'ConfigMap', name)).toBe(true);
    }
    expect(referencedByPods(snapshot, 'ConfigMap', 'unused')).toBe(false);
    expect(referencedByPods(snapshot, 'Secret', 'debug')).toBe(false);
  });

  it('finds Secrets that ServiceAccounts and Ingresses name', () => {
    const account: KubeManifest = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder' },
      secrets: [{ name: 'builder-token' }],
      imagePullSecrets: [{ name: 'registry' }],
    };
    const ingress: KubeManifest = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop' },
      spec: { tls: [{ hosts: ['shop.example'], secretName: 'shop-tls' }, { hosts: ['other.example'] }] },
    };
    const snapshot = snapshotOf([account, ingress]);
    expect(
      ['builder-token', 'registry', 'shop-tls', 'other'].map((name) =>
        secretReferencedOutsidePods(snapshot, name),
      ),
    ).toEqual([true, true, true, false]);
  });

  it('finds the live Pods using a claim, the owner of an ephemeral claim included', () => {
    const claim = (name: string): Extract<KubeManifest, { kind: 'PersistentVolumeClaim' }> => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const [scratch, owner] = controllerChain(claim('builder-scratch'), pod('builder'));
    const snapshot = snapshotOf([
      claim('data'),
      claim('idle'),
      scratch,
      owner,
      pod('a', podSpec({ volumes: [claimVolume('data', 'data')] })),
      pod('b', podSpec({ volumes: [claimVolume('data', 'data'), claimVolume('again', 'data')] })),
      deployment('template-only', podSpec({ volumes: [claimVolume('idle', 'idle')] })),
    ]);
    const users = (name: string) => {
      const found: Stored<'PersistentVolumeClaim'> | undefined = snapshot.get('PersistentVolumeClaim', name);
      if (!found) throw new Error(`no claim ${name}`);
      return podsUsingClaim(snapshot, found).map((p) => p.metadata.name);
    };
    expect(users('data')).toEqual(['a', 'b']);
    expect(users('builder-scratch')).toEqual(['builder']);
    expect(users('idle')).toEqual([]);
  });
});
