import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './snapshot.ts';
import { CASE_NAMESPACE, snapshotOf } from './testing/case.ts';
import {
  container,
  controllerChain,
  cronJob,
  deployment,
  job,
  pod,
  podSpec,
  replicaSet,
} from './testing/manifests.ts';

const ref = (object: { kind: string; metadata: { name: string } }) =>
  `${object.kind}/${object.metadata.name}`;
const workloadsOf = (snapshot: ReturnType<typeof snapshotOf>) => snapshot.workloads.map((w) => ref(w.object));

describe('top-level owner (AGENTS.md §0.2)', () => {
  it('walks Pod → ReplicaSet → Deployment', () => {
    const [p, rs, d] = controllerChain(pod('web-abc-1'), replicaSet('web-abc'), deployment('web'));
    const snapshot = snapshotOf([p, rs, d]);
    const [storedPod] = snapshot.list('Pod');
    if (!storedPod) throw new Error('no Pod');
    expect(ref(snapshot.topLevelOwner(storedPod))).toBe('Deployment/web');
    expect(workloadsOf(snapshot)).toEqual(['Deployment/web']);
    expect(snapshot.workloads[0]?.pods.map(ref)).toEqual(['Pod/web-abc-1']);
  });

  it('walks Pod → Job → CronJob', () => {
    const [p, j, c] = controllerChain(pod('nightly-1-x'), job('nightly-1'), cronJob('nightly'));
    const snapshot = snapshotOf([p, j, c]);
    expect(workloadsOf(snapshot)).toEqual(['CronJob/nightly']);
    expect(snapshot.workloads[0]?.pods.map(ref)).toEqual(['Pod/nightly-1-x']);
  });

  it('stops at a Job not created by a CronJob, and at a ReplicaSet not created by a Deployment', () => {
    const [jobPod, j] = controllerChain(pod('once-x'), job('once'));
    const [rsPod, rs] = controllerChain(pod('plain-x'), replicaSet('plain'));
    expect(workloadsOf(snapshotOf([jobPod, j, rsPod, rs]))).toEqual(['ReplicaSet/plain', 'Job/once']);
  });

  it('reports a bare Pod as itself, with itself as its live Pod', () => {
    const snapshot = snapshotOf([pod('lonely')]);
    expect(workloadsOf(snapshot)).toEqual(['Pod/lonely']);
    expect(snapshot.workloads[0]?.pods.map(ref)).toEqual(['Pod/lonely']);
  });

  it('ends a chain into an unreadable custom resource on the last readable object', () => {
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'canary' } };
    const [rolloutPod, rs] = controllerChain(pod('canary-1-x'), replicaSet('canary-1'), rollout);
    const [operated] = controllerChain(pod('db-0'), {
      apiVersion: 'x.io/v1',
      kind: 'Database',
      metadata: { name: 'db' },
    });
    expect(workloadsOf(snapshotOf([rolloutPod, rs, operated]))).toEqual(['ReplicaSet/canary-1', 'Pod/db-0']);
  });

  it('follows only controller references, and only to the owner with that uid', () => {
    const [p, rs] = controllerChain(pod('web-1-x'), replicaSet('web-1'));
    const notController = {
      ...p,
      metadata: {
        ...p.metadata,
        ownerReferences: p.metadata.ownerReferences?.map((o) => ({ ...o, controller: false })),
      },
    };
    const successor = { ...rs, metadata: { ...rs.metadata, uid: 'a-later-uid' } };
    expect(workloadsOf(snapshotOf([notController, rs]))).toEqual(['ReplicaSet/web-1', 'Pod/web-1-x']);
    expect(workloadsOf(snapshotOf([p, successor]))).toEqual(['ReplicaSet/web-1', 'Pod/web-1-x']);
  });

  it('survives an ownership cycle', () => {
    const [a, b] = controllerChain(replicaSet('a'), replicaSet('b'));
    const [bOwnedByA] = controllerChain(b, a);
    const snapshot = snapshotOf([a, bOwnedByA]);
    const [first] = snapshot.list('ReplicaSet');
    if (!first) throw new Error('no ReplicaSet');
    expect(ref(snapshot.topLevelOwner(first))).toBe('ReplicaSet/b');
  });
});

describe('workloads (AGENTS.md §0.3)', () => {
  it('evaluates the template, and attaches the ephemeral containers of its live Pods', () => {
    const [p, rs, d] = controllerChain(
      pod('web-1-x', podSpec({ ephemeralContainers: [{ name: 'debugger', image: 'busybox' }] })),
      replicaSet('web-1'),
      deployment('web', podSpec({ containers: [container('app'), container('proxy')] })),
    );
    const [workload] = snapshotOf([p, rs, d]).workloads;
    expect(workload?.podSpec.containers.map((c) => c.name)).toEqual(['app', 'proxy']);
    expect(workload?.podLabels).toEqual({ app: 'web' });
    expect(workload?.ephemeralContainers.map((c) => c.name)).toEqual(['debugger']);
  });

  it('reads a CronJob template from its jobTemplate, and keeps a workload scaled to zero', () => {
    const snapshot = snapshotOf([
      cronJob('report'),
      deployment('idle', podSpec(), { spec: { replicas: 0 } }),
    ]);
    expect(workloadsOf(snapshot)).toEqual(['Deployment/idle', 'CronJob/report']);
    expect(snapshot.workloads[1]?.podSpec.restartPolicy).toBe('Never');
  });
});

describe('buildSnapshot', () => {
  it('indexes by kind and name and by controller', () => {
    const [rs, d] = controllerChain(replicaSet('web-1'), deployment('web'));
    const snapshot = snapshotOf([rs, d]);
    const stored = snapshot.get('Deployment', 'web');
    expect(stored?.kind).toBe('Deployment');
    expect(snapshot.get('ReplicaSet', 'web')).toBeUndefined();
    if (!stored) throw new Error('no Deployment');
    expect(snapshot.children(stored).map(ref)).toEqual(['ReplicaSet/web-1']);
    expect(snapshot.list('Service')).toEqual([]);
  });

  it('writes the kind into listed items, which carry none', () => {
    const snapshot = buildSnapshot({
      namespace: 'n',
      objects: { ConfigMap: [{ metadata: { name: 'settings' } }] },
    });
    expect(snapshot.list('ConfigMap').map(ref)).toEqual(['ConfigMap/settings']);
  });

  it('keeps Secret key names and drops their values, wherever kubectl left them', () => {
    const applied = '{"data":{"password":"c2VjcmV0"}}';
    const snapshot = buildSnapshot({
      namespace: 'n',
      objects: {
        Secret: [
          {
            metadata: {
              name: 'db',
              annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied, team: 'payments' },
            },
            data: { password: 'c2VjcmV0' },
            stringData: { token: 'x' },
          },
        ],
        ConfigMap: [{ metadata: { name: 'settings' }, data: { mode: 'fast' } }],
      },
    });
    const secret = snapshot.get('Secret', 'db');
    expect(secret?.data).toEqual({ password: '' });
    expect(secret?.stringData).toBeUndefined();
    expect(secret?.metadata.annotations).toEqual({ team: 'payments' });
    expect(JSON.stringify(secret)).not.toContain('c2VjcmV0');
    expect(snapshot.get('ConfigMap', 'settings')?.data).toEqual({ mode: 'fast' });
  });

  it('tells unreadable cluster-scoped lists from empty ones', () => {
    const unreadable = buildSnapshot({ namespace: 'n', objects: {} });
    const empty = buildSnapshot({ namespace: 'n', objects: {}, nodes: [], storageClasses: [] });
    expect([unreadable.nodes, unreadable.storageClasses]).toEqual([undefined, undefined]);
    expect([empty.nodes, empty.storageClasses]).toEqual([[], []]);
    const withNode = buildSnapshot({
      namespace: 'n',
      objects: {},
      nodes: [{ metadata: { name: 'node-1' } }],
    });
    expect(withNode.nodes?.map(ref)).toEqual(['Node/node-1']);
  });

  it('refuses objects of another namespace and objects without a name', () => {
    const elsewhere = { metadata: { name: 'x', namespace: 'other' } };
    expect(() => buildSnapshot({ namespace: CASE_NAMESPACE, objects: { ConfigMap: [elsewhere] } })).toThrow(
      'ConfigMap x is in namespace other',
    );
    expect(() => buildSnapshot({ namespace: 'n', objects: { ConfigMap: [{ metadata: {} }] } })).toThrow(
      'a ConfigMap without metadata.name',
    );
  });

  it('computes a memoized lookup once per snapshot', () => {
    const snapshot = snapshotOf([pod('a'), pod('b')]);
    let builds = 0;
    const countPods = (s: typeof snapshot) => {
      builds += 1;
      return s.list('Pod').length;
    };
    expect([snapshot.memo(countPods), snapshot.memo(countPods)]).toEqual([2, 2]);
    expect(builds).toBe(1);
    expect(snapshotOf([pod('c')]).memo(countPods)).toBe(1);
    expect(builds).toBe(2);
  });
});
