import type { V1EphemeralContainer, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Stored, WorkloadKind } from './kinds.ts';

/**
 * What a pod check evaluates (AGENTS.md §0.3): a top-level owner with a pod template, or a bare Pod,
 * with the live Pods it owns. A workload scaled to zero is still one.
 */
export interface Workload {
  /** The top-level owner, or the bare Pod itself; findings are reported on it. */
  object: Stored<WorkloadKind>;
  /** The pod template's labels (a bare Pod's own): what selectors are matched against. */
  podLabels: Readonly<Record<string, string>>;
  podAnnotations: Readonly<Record<string, string>>;
  /** The pod template's spec (a bare Pod's own). */
  podSpec: V1PodSpec;
  /** Live Pods whose top-level owner this is; a bare Pod is its own. */
  pods: readonly Stored<'Pod'>[];
  /** Ephemeral containers of the live Pods: they exist only there, and count for security checks. */
  ephemeralContainers: readonly V1EphemeralContainer[];
}

/** `.spec.template`, a CronJob's `.spec.jobTemplate.spec.template`, or a bare Pod as its own template. */
export function podTemplateOf(object: Stored<WorkloadKind>): V1PodTemplateSpec | undefined {
  switch (object.kind) {
    case 'Pod':
      return object;
    case 'CronJob':
      return object.spec?.jobTemplate.spec?.template;
    default:
      return object.spec?.template;
  }
}

/** Where the pod spec sits in the object, for remediation text: `spec.template.spec`. */
export function podSpecPath(kind: WorkloadKind): string {
  if (kind === 'Pod') return 'spec';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.spec';
  return 'spec.template.spec';
}

export function workloadOf(object: Stored<WorkloadKind>, pods: readonly Stored<'Pod'>[]): Workload {
  const template = podTemplateOf(object);
  return {
    object,
    podLabels: template?.metadata?.labels ?? {},
    podAnnotations: template?.metadata?.annotations ?? {},
    podSpec: template?.spec ?? { containers: [] },
    pods,
    ephemeralContainers: pods.flatMap((pod) => pod.spec?.ephemeralContainers ?? []),
  };
}
