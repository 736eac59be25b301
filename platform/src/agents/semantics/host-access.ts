import type { V1ContainerPort, V1PodSpec, V1Volume } from '@kubernetes/client-node';
import type { Workload } from '../workloads.ts';
import type { AnyContainer } from './containers.ts';

export type HostPathVolume = V1Volume & { hostPath: NonNullable<V1Volume['hostPath']> };

/** `spec.volumes[]` entries with a `hostPath`, mounted or not. */
export function hostPathVolumes(spec: V1PodSpec): readonly HostPathVolume[] {
  return (spec.volumes ?? []).filter((volume): volume is HostPathVolume => volume.hostPath !== undefined);
}

/**
 * The host port a container port binds. The API defaults `hostPort` to `containerPort` for Pods with
 * `hostNetwork: true`, but no longer for templates (AGENTS.md, host-port): a bare Pod is read as
 * stored even from its manifest.
 */
export function hostPortOf(port: V1ContainerPort, workload: Workload): number {
  const defaulted = workload.object.kind === 'Pod' && workload.podSpec.hostNetwork === true;
  return port.hostPort ?? (defaulted ? port.containerPort : 0);
}

/** The container's ports that bind a port on the node. */
export function boundHostPorts(container: AnyContainer, workload: Workload): readonly V1ContainerPort[] {
  return (container.ports ?? []).filter((port) => hostPortOf(port, workload) !== 0);
}
