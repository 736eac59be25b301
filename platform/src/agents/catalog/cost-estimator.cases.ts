import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';
import {
  container,
  cronJob,
  daemonSet,
  deployment,
  job,
  NO_NODE,
  pod,
  podSpec,
  replicaSet,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('cost-estimator');
/** One container requesting this much: 1 core = 23, 1Gi = 3 a month at the default prices. */
const requesting = (cpu: string, memory: string) =>
  podSpec({ containers: [container('app', { resources: { requests: { cpu, memory } } })] });
const hpa = (row: string, target: string, maxReplicas: number): KubeManifest => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: name(row) },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
    minReplicas: 1,
    maxReplicas,
  },
});

const twoReplicas = deployment(name('two-replicas'), requesting('1', '1Gi'), { spec: { replicas: 2 } });
const atThreshold = statefulSet(name('at-threshold'), requesting('1', '9Gi'), {
  spec: { replicas: 1, serviceName: name('at-threshold') },
});
const noMemory = deployment(
  name('no-memory'),
  podSpec({ containers: [container('app', { resources: { requests: { cpu: '100m' } } })] }),
);
const bareExpensive = pod(name('bare'), requesting('2', '2Gi'));
const podLevel = pod(name('pod-level'), podSpec({ resources: { requests: { cpu: '2', memory: '2Gi' } } }));
const daemon = daemonSet(name('daemon'), requesting('2', '2Gi'), {
  status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1 },
});
const scaled = deployment(name('hpa-target'), requesting('1', '1Gi'), { spec: { replicas: 1 } });
const ceiling = hpa('hpa-ceiling', scaled.metadata.name, 20);

export const costEstimatorCases: readonly Case[] = [
  {
    name: '2 replicas × (1 core + 1 GiB) = 52 a month',
    objects: [twoReplicas],
    expect: [found('monthly-cost-high', twoReplicas)],
  },
  {
    name: '1 replica of the same = 26 a month',
    objects: [replicaSet(name('one-replica'), requesting('1', '1Gi'), { spec: { replicas: 1 } })],
    expect: [],
  },
  {
    name: 'exactly 50 a month (1 core + 9 GiB)',
    objects: [atThreshold],
    expect: [found('monthly-cost-high', atThreshold)],
  },
  {
    name: 'just below 50 a month (1 core + 8 GiB)',
    objects: [deployment(name('below-threshold'), requesting('1', '8Gi'))],
    expect: [],
  },
  {
    name: 'a container without a memory request',
    objects: [noMemory],
    expect: [found('unpriced-workload', noMemory)],
  },
  {
    name: 'a Deployment scaled to zero is out of scope, requests or not',
    objects: [deployment(name('zero'), podSpec(), { spec: { replicas: 0 } })],
    expect: [],
  },
  {
    name: 'a bare Pod is priced as one replica',
    objects: [bareExpensive],
    expect: [found('monthly-cost-high', bareExpensive)],
  },
  {
    name: 'a Succeeded bare Pod is out of scope',
    objects: [
      pod(
        name('succeeded'),
        { ...requesting('2', '2Gi'), restartPolicy: 'Never', nodeSelector: NO_NODE },
        { phase: 'Succeeded' },
      ),
    ],
    expect: [],
    runtime: true,
    note: 'placed on no Node, so no kubelet (or kwok, which completes only the Pods of Jobs) writes its status: the integration test writes phase Succeeded as a kubelet would',
  },
  {
    name: 'pod-level requests price the Pod and leave nothing unpriced',
    objects: [podLevel],
    expect: [found('monthly-cost-high', podLevel)],
    note: 'pod-level resources need the PodLevelResources feature (beta, on by default since 1.34)',
  },
  {
    name: 'a DaemonSet is priced per Node it targets',
    objects: [daemon],
    expect: [found('monthly-cost-high', daemon)],
    runtime: true,
    note: 'desiredNumberScheduled (1 here) is written by the DaemonSet controller: the number of Nodes',
  },
  {
    name: 'batch workloads are summarized, never findings',
    objects: [job(name('job'), requesting('4', '8Gi')), cronJob(name('cronjob'), podSpec())],
    expect: [],
  },
  {
    name: 'an HPA that may scale its target to 20 × 26 = 520 a month; the target is priced at its stored replicas',
    objects: [scaled, ceiling],
    expect: [found('hpa-ceiling-cost-high', ceiling)],
  },
  {
    name: 'an HPA whose ceiling stays below 500 (19 × 26 = 494)',
    objects: [
      deployment(name('hpa-target-small'), requesting('1', '1Gi')),
      hpa('hpa-small', name('hpa-target-small'), 19),
    ],
    expect: [],
  },
  {
    name: 'an HPA whose target does not exist',
    objects: [hpa('hpa-no-target', name('no-such-deployment'), 100)],
    expect: [],
  },
  {
    name: 'volumes and load balancers are in the summary, not findings',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: name('data') },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: name('lb') },
        spec: { type: 'LoadBalancer', selector: { app: name('lb') }, ports: [{ port: 80 }] },
      },
    ],
    expect: [],
  },
];
