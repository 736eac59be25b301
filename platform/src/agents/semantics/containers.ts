import type { V1Container, V1EphemeralContainer, V1PodSpec } from '@kubernetes/client-node';
import type { Workload } from '../workloads.ts';

export type AnyContainer = V1Container | V1EphemeralContainer;

/** An init container with `restartPolicy: Always` runs beside the regular containers. */
export function isNativeSidecar(container: V1Container): boolean {
  return container.restartPolicy === 'Always';
}

/** AGENTS.md §0.4 *all*: init + regular containers of the template, + ephemeral ones of live Pods. */
export function allContainers(
  workload: Pick<Workload, 'podSpec' | 'ephemeralContainers'>,
): readonly AnyContainer[] {
  return [
    ...(workload.podSpec.initContainers ?? []),
    ...workload.podSpec.containers,
    ...workload.ephemeralContainers,
  ];
}

/** AGENTS.md §0.4 *running*: regular containers + native sidecars. */
export function runningContainers(spec: V1PodSpec): readonly V1Container[] {
  return [...(spec.initContainers ?? []).filter(isNativeSidecar), ...spec.containers];
}

/** AGENTS.md §0.4 *regular*: `containers` only. */
export function regularContainers(spec: V1PodSpec): readonly V1Container[] {
  return spec.containers;
}
