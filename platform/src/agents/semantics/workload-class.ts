import type { Stored, WorkloadKind } from '../kinds.ts';

export type WorkloadClass = 'long-running' | 'batch';

/**
 * AGENTS.md §0.7. A bare Pod that runs to completion (`restartPolicy` Never or OnFailure) is in
 * neither class: undefined.
 */
export function workloadClass(object: Stored<WorkloadKind>): WorkloadClass | undefined {
  switch (object.kind) {
    case 'Job':
    case 'CronJob':
      return 'batch';
    case 'Pod':
      return (object.spec?.restartPolicy ?? 'Always') === 'Always' ? 'long-running' : undefined;
    default:
      return 'long-running';
  }
}

/**
 * AGENTS.md §0.7: the stored `spec.replicas` (the API defaults it to 1), the number of Nodes a
 * DaemonSet targets (`status.desiredNumberScheduled`, 0 until the controller has written it), 1 for
 * a bare Pod; undefined for batch workloads, which have none.
 */
export function desiredReplicas(object: Stored<WorkloadKind>): number | undefined {
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return object.spec?.replicas ?? 1;
    case 'DaemonSet':
      return object.status?.desiredNumberScheduled ?? 0;
    case 'Pod':
      return 1;
    default:
      return undefined;
  }
}
