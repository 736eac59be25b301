import type { V1ContainerStatus } from '@kubernetes/client-node';
import { named, type Stored } from '../kinds.ts';
import type { Agent, Check, Severity } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { describeCommand, nameList } from './text.ts';

type Pod = Stored<'Pod'>;

/** Every container status of a live Pod: init, regular and ephemeral containers. */
const statusesOf = (pod: Pod): readonly V1ContainerStatus[] => [
  ...(pod.status?.initContainerStatuses ?? []),
  ...(pod.status?.containerStatuses ?? []),
  ...(pod.status?.ephemeralContainerStatuses ?? []),
];

interface StatusCheck {
  id: string;
  severity: Severity;
  title: string;
  /** Why this container status is a finding (its reason), or undefined. */
  match(status: V1ContainerStatus): string | undefined;
  /** Completes "Deployment web has containers …: web-1-x/app (CrashLoopBackOff)." */
  problem: string;
  /** What to do, given the first Pod and container at fault. */
  advice(pod: Pod, container: string, namespace: string): string;
}

/** A runtime check over the container statuses of a workload's live Pods, reported on the workload. */
function statusCheck(definition: StatusCheck): Check {
  return {
    id: definition.id,
    severity: definition.severity,
    mode: 'runtime',
    title: definition.title,
    target: 'Workload',
    detect(workload: Workload, { snapshot }) {
      const hits = workload.pods.flatMap((pod) =>
        statusesOf(pod).flatMap((status) => {
          const reason = definition.match(status);
          return reason === undefined ? [] : [{ pod, container: status.name, reason }];
        }),
      );
      const [first] = hits;
      if (!first) return undefined;
      const listed = hits.map(
        ({ pod, container, reason }) => `${pod.metadata.name}/${container} (${reason})`,
      );
      return {
        message: `${named(workload.object)} has containers ${definition.problem}: ${listed.join(', ')}.`,
        remediation: definition.advice(first.pod, first.container, snapshot.namespace),
        evidence: {
          containers: hits.map(({ pod, container, reason }) => ({
            pod: pod.metadata.name,
            container,
            reason,
          })),
        },
      };
    },
  };
}

const waitingFor =
  (...reasons: string[]) =>
  (status: V1ContainerStatus) => {
    const reason = status.state?.waiting?.reason;
    return reason !== undefined && reasons.includes(reason) ? reason : undefined;
  };

const logs = (pod: Pod, container: string, namespace: string) =>
  `kubectl -n ${namespace} logs ${pod.metadata.name} -c ${container} --previous`;

const crashLooping = statusCheck({
  id: 'crash-looping',
  severity: 'high',
  title: 'Containers in CrashLoopBackOff',
  match: waitingFor('CrashLoopBackOff'),
  problem: 'that keep crashing',
  advice: (pod, container, namespace) =>
    `Read why the last run exited:\n${logs(pod, container, namespace)}\n${describeCommand(pod, namespace)}`,
});

const imagePullFailing = statusCheck({
  id: 'image-pull-failing',
  severity: 'high',
  title: 'Containers whose image cannot be pulled',
  match: waitingFor('ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'),
  problem: 'whose image cannot be pulled',
  advice: (pod, _, namespace) =>
    `Check the image name and tag, and the registry credentials (imagePullSecrets); the Pod's events say which:\n${describeCommand(pod, namespace)}`,
});

const containerConfigError = statusCheck({
  id: 'container-config-error',
  severity: 'high',
  title: 'Containers the kubelet cannot create',
  match: waitingFor('CreateContainerConfigError', 'CreateContainerError'),
  problem: 'that cannot be created',
  advice: (pod, _, namespace) =>
    `A ConfigMap, Secret or key the container needs is missing, or its spec cannot run; the Pod's events say which:\n${describeCommand(pod, namespace)}`,
});

const oomKilled = statusCheck({
  id: 'oom-killed',
  severity: 'high',
  title: 'Containers killed for using more memory than their limit',
  match: (status) =>
    status.lastState?.terminated?.reason === 'OOMKilled' || status.state?.terminated?.reason === 'OOMKilled'
      ? 'OOMKilled'
      : undefined,
  problem: 'killed for running out of memory',
  advice: () => "Raise the container's memory limit (and request) to what it uses at peak, or lower its use.",
});

const RESTARTS = 5;

const frequentRestarts = statusCheck({
  id: 'frequent-restarts',
  severity: 'medium',
  title: `Containers restarted ${RESTARTS} times or more`,
  match: (status) => (status.restartCount >= RESTARTS ? `${status.restartCount} restarts` : undefined),
  problem: `restarted ${RESTARTS} times or more`,
  advice: (pod, container, namespace) =>
    `Read why the container exits (its probes, its logs):\n${logs(pod, container, namespace)}\n${describeCommand(pod, namespace)}`,
});

const evicted: Check = {
  id: 'evicted',
  severity: 'medium',
  mode: 'runtime',
  title: 'Evicted Pods',
  target: 'Workload',
  detect(workload, { snapshot }) {
    const pods = workload.pods.filter((pod) => pod.status?.reason === 'Evicted');
    if (pods.length === 0) return undefined;
    return {
      message: `${named(workload.object)} has evicted Pods: ${nameList(pods).join(', ')}.`,
      remediation: `Find what the node ran short of (memory, disk, ephemeral-storage limits), then delete the evicted Pods:\nkubectl -n ${snapshot.namespace} delete pod ${nameList(pods).join(' ')}`,
      evidence: {
        pods: nameList(pods),
        messages: [...new Set(pods.map((pod) => pod.status?.message ?? ''))],
      },
    };
  },
};

export const podRuntime: Agent = {
  id: 'pod-runtime',
  name: 'Pod runtime',
  category: 'observability',
  description: 'Container failures seen on live Pods, reported on their top-level owner.',
  checks: [crashLooping, imagePullFailing, containerConfigError, oomKilled, frequentRestarts, evicted],
};
