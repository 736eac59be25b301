import { type Case, tableOf } from '../testing/case.ts';
import {
  daemonSet,
  deployment,
  NO_NODE,
  pod,
  podSpec,
  replicaSet,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('rollout-health');
// The API rejects Pods naming a ServiceAccount that does not exist: their controllers then fail.
const rejected = (row: string) => podSpec({ serviceAccountName: name(`${row}-missing-sa`) });
const nowhere = podSpec({ nodeSelector: NO_NODE });
const daemonStatus = { currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };

const paused = deployment(name('paused'), podSpec(), {
  spec: { replicas: 2, paused: true },
  status: {
    observedGeneration: 1,
    unavailableReplicas: 2,
    conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
      { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' },
    ],
  },
});
const statefulRejected = statefulSet(name('sts-rejected'), rejected('sts'), {
  spec: { replicas: 1, serviceName: name('sts-rejected') },
  status: { replicas: 0, availableReplicas: 0 },
});
const daemonRejected = daemonSet(name('ds-rejected'), rejected('ds'), {
  status: { ...daemonStatus, desiredNumberScheduled: 1, numberUnavailable: 1 },
});
const unschedulable = pod(name('unschedulable'), nowhere, {
  phase: 'Pending',
  conditions: [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
    },
  ],
});
const replicaFailure = replicaSet(name('rs-rejected'), rejected('rs'), {
  spec: { replicas: 1 },
  status: {
    replicas: 0,
    conditions: [
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: `pods is forbidden: error looking up service account ${name('rs-missing-sa')}`,
      },
    ],
  },
});
const deadline = deployment(name('deadline'), rejected('deadline'), {
  spec: { replicas: 1, progressDeadlineSeconds: 10 },
  status: {
    observedGeneration: 1,
    unavailableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' },
    ],
  },
});

export const rolloutHealthCases: readonly Case[] = [
  {
    name: 'a Deployment with fewer available replicas than desired',
    objects: [paused],
    expect: [found('workload-unavailable', paused)],
    runtime: true,
    note: 'paused from creation, the controller creates no ReplicaSet, so nothing becomes available',
  },
  {
    name: 'a Deployment with all replicas available',
    objects: [
      deployment(name('available'), podSpec(), {
        spec: { replicas: 2 },
        status: {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        },
      }),
    ],
    expect: [],
    runtime: true,
  },
  {
    name: 'a Deployment scaled to zero is not unavailable',
    objects: [
      deployment(name('zero'), podSpec(), { spec: { replicas: 0 }, status: { observedGeneration: 1 } }),
    ],
    expect: [],
    runtime: true,
  },
  {
    name: 'a StatefulSet whose Pods the API rejects',
    objects: [statefulRejected],
    expect: [found('workload-unavailable', statefulRejected)],
    runtime: true,
    note: 'its ServiceAccount does not exist',
  },
  {
    name: 'a DaemonSet without an available Pod',
    objects: [daemonRejected],
    expect: [found('workload-unavailable', daemonRejected)],
    runtime: true,
    note: 'its ServiceAccount does not exist; desiredNumberScheduled is the number of Nodes (1 here)',
  },
  {
    name: 'a DaemonSet that targets no Node',
    objects: [
      daemonSet(name('ds-nowhere'), nowhere, { status: { ...daemonStatus, desiredNumberScheduled: 0 } }),
    ],
    expect: [],
    runtime: true,
  },
  {
    name: 'a bare Pod no Node can take',
    objects: [unschedulable],
    expect: [found('pods-unschedulable', unschedulable)],
    runtime: true,
    note: 'its nodeSelector matches no Node; the scheduler writes the condition',
  },
  {
    name: 'a scheduled bare Pod',
    objects: [
      pod(name('scheduled'), podSpec(), {
        phase: 'Running',
        conditions: [{ type: 'PodScheduled', status: 'True' }],
      }),
    ],
    expect: [],
    runtime: true,
  },
  {
    name: 'a bare ReplicaSet whose Pods the API rejects',
    objects: [replicaFailure],
    expect: [found('pod-creation-failing', replicaFailure)],
    runtime: true,
    note: 'its ServiceAccount does not exist',
  },
  {
    name: 'a ReplicaSet that created its Pods',
    objects: [
      replicaSet(name('rs-created'), podSpec(), {
        spec: { replicas: 1 },
        status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
      }),
    ],
    expect: [],
    runtime: true,
  },
  {
    name: 'a Deployment past its progress deadline',
    objects: [deadline],
    expect: [found('workload-unavailable', deadline), found('progress-deadline-exceeded', deadline)],
    runtime: true,
    note: 'its ServiceAccount does not exist; in a cluster its ReplicaSet (not in this row) also has ReplicaFailure, which adds pod-creation-failing on the Deployment',
  },
  {
    name: 'a Deployment whose rollout completed',
    objects: [
      deployment(name('progressed'), podSpec(), {
        spec: { replicas: 1 },
        status: {
          observedGeneration: 1,
          replicas: 1,
          availableReplicas: 1,
          conditions: [
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
            { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
          ],
        },
      }),
    ],
    expect: [],
    runtime: true,
  },
];
