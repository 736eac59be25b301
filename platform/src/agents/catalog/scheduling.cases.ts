import type { V1NodeSelectorRequirement } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { container, daemonSet, deployment, node, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('scheduling');
const POOL = 'guardian.aiops.dev/pool';
const ZONE = 'guardian.aiops.dev/zone';
const NOTE =
  "Nodes are the cluster's: the integration test creates this one with its status (as a kubelet writes it) beside the cluster's own (the local stack's kwok-node-0: 32 cores, 256Gi, labelled type=kwok), which no row's constraint selects and no positive row's request fits";

/** A Ready Node of the row, labelled with its own pool, with this much to give. */
const poolNode = (
  row: string,
  allocatable: { cpu: string; memory: string },
  labels: Record<string, string> = {},
) =>
  node(
    name(row),
    { [POOL]: name(row), ...labels },
    {
      status: {
        allocatable: { ...allocatable, pods: '110' },
        capacity: { ...allocatable, pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      },
    },
  );
const requiring = (...matchExpressions: V1NodeSelectorRequirement[]) =>
  podSpec({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
      },
    },
  });
const requesting = (cpu: string, memory: string) =>
  podSpec({ containers: [container('app', { resources: { requests: { cpu, memory } } })] });
const SMALL = { cpu: '8', memory: '16Gi' };

const nowhere = deployment(name('selector-nowhere'), podSpec({ nodeSelector: { [POOL]: name('nowhere') } }));
const affinityNowhere = daemonSet(
  name('affinity-nowhere'),
  requiring({ key: POOL, operator: 'In', values: [name('nowhere')] }),
);
const split = deployment(name('split'), {
  ...requiring({ key: ZONE, operator: 'In', values: ['z2'] }),
  nodeSelector: { [POOL]: name('split-a') },
});
const tooMuchCpu = deployment(name('too-much-cpu'), requesting('100', '1Gi'));
const tooMuchInit = deployment(
  name('too-much-init'),
  podSpec({
    initContainers: [container('load', { resources: { requests: { memory: '300Gi' } } })],
    containers: [container('app', { resources: { requests: { cpu: '100m', memory: '64Mi' } } })],
  }),
);

export const schedulingCases: readonly Case[] = [
  {
    name: 'a nodeSelector a Node has',
    objects: [
      poolNode('gpu', SMALL),
      deployment(name('selector-gpu'), podSpec({ nodeSelector: { [POOL]: name('gpu') } })),
    ],
    expect: [],
    note: NOTE,
  },
  {
    name: 'a nodeSelector no Node has',
    objects: [nowhere],
    expect: [found('node-selector-matches-no-node', nowhere)],
  },
  {
    name: 'a required node affinity a Node satisfies (DaemonSets included)',
    objects: [
      poolNode('affinity', SMALL),
      daemonSet(
        name('affinity-here'),
        requiring({ key: POOL, operator: 'In', values: [name('affinity'), name('other')] }),
      ),
    ],
    expect: [],
    note: NOTE,
  },
  {
    name: 'a required node affinity no Node satisfies',
    objects: [affinityNowhere],
    expect: [found('node-selector-matches-no-node', affinityNowhere)],
  },
  {
    name: 'a nodeSelector one Node satisfies and an affinity only another does',
    objects: [
      poolNode('split-a', SMALL, { [ZONE]: 'z1' }),
      poolNode('split-b', SMALL, { [ZONE]: 'z2' }),
      split,
    ],
    expect: [found('node-selector-matches-no-node', split)],
    note: NOTE,
  },
  {
    name: 'requests that a Node can give',
    objects: [poolNode('roomy', SMALL), deployment(name('fits'), requesting('2', '1Gi'))],
    expect: [],
    note: NOTE,
  },
  {
    name: 'a CPU request beyond every Node',
    objects: [poolNode('small', SMALL), tooMuchCpu],
    expect: [found('requests-exceed-node-allocatable', tooMuchCpu)],
    note: NOTE,
  },
  {
    name: 'an init container asking more memory than every Node has',
    objects: [tooMuchInit],
    expect: [found('requests-exceed-node-allocatable', tooMuchInit)],
  },
];
