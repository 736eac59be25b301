import type { V1NodeCondition } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { node } from '../testing/manifests.ts';

const { found, name } = tableOf('node-health');
const NOTE =
  "Nodes are the cluster's: the integration test registers this one with its status, as a kubelet does, and renews its Lease (the node lifecycle controller marks every condition of a Node without a kubelet heartbeat Unknown after node-monitor-grace-period); the cluster's own kwok-node-0 is Ready and schedulable, so adds nothing";

const condition = (type: string, status: string, reason: string): V1NodeCondition => ({
  type,
  status,
  reason,
  message: reason,
});
const HEALTHY = [
  condition('Ready', 'True', 'KubeletReady'),
  condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
  condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
  condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
];
/** A Node of the row: healthy, but for the conditions `changed` (which replace those of their type). */
const withConditions = (row: string, changed: V1NodeCondition[], unschedulable?: boolean) =>
  node(
    name(row),
    { 'guardian.aiops.dev/node-health': name(row) },
    {
      unschedulable,
      status: {
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        conditions: [
          ...HEALTHY.filter((healthy) => !changed.some((c) => c.type === healthy.type)),
          ...changed,
        ],
      },
    },
  );

const notReady = withConditions('not-ready', [condition('Ready', 'False', 'KubeletNotReady')]);
const memory = withConditions('memory', [
  condition('MemoryPressure', 'True', 'KubeletHasInsufficientMemory'),
]);
const disk = withConditions('disk', [
  condition('DiskPressure', 'True', 'KubeletHasDiskPressure'),
  condition('PIDPressure', 'True', 'KubeletHasInsufficientPID'),
]);
const cordoned = withConditions('cordoned', [], true);
const lost = withConditions(
  'lost',
  [
    condition('Ready', 'Unknown', 'NodeStatusUnknown'),
    condition('NetworkUnavailable', 'True', 'NoRouteCreated'),
  ],
  true,
);

export const nodeHealthCases: readonly Case[] = [
  {
    name: 'a Ready, schedulable Node without pressure',
    objects: [withConditions('healthy', [])],
    expect: [],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a Node that is not Ready',
    objects: [notReady],
    expect: [found('node-not-ready', notReady)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a Node under memory pressure',
    objects: [memory],
    expect: [found('node-pressure', memory)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a Node under disk and PID pressure',
    objects: [disk],
    expect: [found('node-pressure', disk)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a cordoned Node',
    objects: [cordoned],
    expect: [found('node-cordoned', cordoned)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'an unreachable, cordoned Node without a network',
    objects: [lost],
    expect: [found('node-not-ready', lost), found('node-pressure', lost), found('node-cordoned', lost)],
    runtime: true,
    note: NOTE,
  },
];
