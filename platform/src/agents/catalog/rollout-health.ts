import { named, type Stored } from '../kinds.ts';
import { hasCondition, withCondition } from '../semantics/conditions.ts';
import { desiredReplicas } from '../semantics/workload-class.ts';
import type { Agent, Check } from '../types.ts';
import { describeCommand, nameList, names } from './text.ts';

/** Available replicas, where AGENTS.md counts them: absent is 0, other kinds are not evaluated. */
function available(object: Stored): number | undefined {
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
      return object.status?.availableReplicas ?? 0;
    case 'DaemonSet':
      return object.status?.numberAvailable ?? 0;
    default:
      return undefined;
  }
}

const workloadUnavailable: Check = {
  id: 'workload-unavailable',
  severity: 'high',
  mode: 'runtime',
  title: 'Fewer replicas available than desired',
  target: 'Workload',
  detect({ object }, { snapshot }) {
    const ready = available(object);
    const desired = desiredReplicas(object) ?? 0;
    if (ready === undefined || desired === 0 || ready >= desired) return undefined;
    return {
      message: `${named(object)} has ${ready} of ${desired} replicas available.`,
      remediation: `See why its Pods are not available (events, conditions, Pod status):\n${describeCommand(object, snapshot.namespace)}`,
      evidence: { desired, available: ready },
    };
  },
};

const podsUnschedulable: Check = {
  id: 'pods-unschedulable',
  severity: 'high',
  mode: 'runtime',
  title: 'Pods the scheduler cannot place',
  target: 'Workload',
  detect(workload, { snapshot }) {
    const stuck = withCondition(
      workload.pods,
      (pod) => pod.status?.conditions,
      'PodScheduled',
      'False',
      'Unschedulable',
    );
    const [first] = stuck;
    if (!first) return undefined;
    return {
      message: `${named(workload.object)} has Pods no Node can take: ${names(stuck.map(({ object }) => object))}.`,
      remediation: [
        'Lower the requests, relax nodeSelector, affinity or tolerations so that a Node fits, or add capacity.',
        describeCommand(first.object, snapshot.namespace),
      ].join('\n'),
      evidence: {
        pods: nameList(stuck.map(({ object }) => object)),
        reasons: [...new Set(stuck.map(({ condition }) => condition.message ?? ''))],
      },
    };
  },
};

const podCreationFailing: Check = {
  id: 'pod-creation-failing',
  severity: 'high',
  mode: 'runtime',
  title: 'ReplicaSets that cannot create their Pods',
  target: 'Workload',
  detect({ object }, { snapshot }) {
    const replicaSets =
      object.kind === 'Deployment'
        ? snapshot.children(object).filter((child) => child.kind === 'ReplicaSet')
        : object.kind === 'ReplicaSet'
          ? [object]
          : [];
    const failing = withCondition(
      replicaSets,
      (replicaSet) => replicaSet.status?.conditions,
      'ReplicaFailure',
      'True',
    );
    const [first] = failing;
    if (!first) return undefined;
    return {
      message: `${named(object)} cannot create its Pods: ${first.condition.message ?? first.condition.reason ?? 'ReplicaFailure'}.`,
      remediation: [
        'Fix what the API rejects (a missing ServiceAccount, a quota, an admission policy); the condition says which.',
        describeCommand(first.object, snapshot.namespace),
      ].join('\n'),
      evidence: {
        replicaSets: nameList(failing.map(({ object }) => object)),
        reasons: [...new Set(failing.map(({ condition }) => condition.reason ?? ''))],
        messages: [...new Set(failing.map(({ condition }) => condition.message ?? ''))],
      },
    };
  },
};

const progressDeadlineExceeded: Check = {
  id: 'progress-deadline-exceeded',
  severity: 'high',
  mode: 'runtime',
  title: 'Rollouts past their progress deadline',
  target: 'Deployment',
  detect(deployment, { snapshot }) {
    const condition = hasCondition(
      deployment.status?.conditions,
      'Progressing',
      'False',
      'ProgressDeadlineExceeded',
    );
    if (!condition) return undefined;
    return {
      message: `${named(deployment)} has not progressed within its progressDeadlineSeconds.`,
      remediation: [
        "Find why the new ReplicaSet's Pods do not become available, or roll back:",
        describeCommand(deployment, snapshot.namespace),
        `kubectl -n ${snapshot.namespace} rollout undo deployment/${deployment.metadata.name}`,
      ].join('\n'),
      evidence: { message: condition.message ?? '' },
    };
  },
};

export const rolloutHealth: Agent = {
  id: 'rollout-health',
  name: 'Rollout health',
  category: 'deployment',
  description: 'Workloads whose Pods do not come up.',
  checks: [workloadUnavailable, podsUnschedulable, podCreationFailing, progressDeadlineExceeded],
};
