import type { V1VolumeMount } from '@kubernetes/client-node';
import { named } from '../kinds.ts';
import { type AnyContainer, allContainers } from '../semantics/containers.ts';
import { type HostPathVolume, hostPathVolumes } from '../semantics/host-access.ts';
import type { Agent, Check, Severity } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';
import { podSpecFragment } from './text.ts';

/** Container runtime sockets, and the directories that hold them (AGENTS.md, container-runtime-socket). */
const RUNTIME_SOCKET_PATHS: ReadonlySet<string> = new Set([
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
  '/var/run',
  '/run',
  '/var/run/containerd',
  '/run/containerd',
]);

const exposesRuntime = (volume: HostPathVolume) =>
  RUNTIME_SOCKET_PATHS.has(volume.hostPath.path.replace(/\/+$/, ''));

const listed = (volumes: readonly HostPathVolume[]) =>
  volumes.map((volume) => `${volume.name} (${volume.hostPath.path})`).join(', ');

interface VolumeCheck {
  id: string;
  severity: Severity;
  title: string;
  select(volumes: readonly HostPathVolume[]): readonly HostPathVolume[];
  problem: string;
  remediation(workload: Workload, volumes: readonly HostPathVolume[]): string;
}

function volumeCheck(definition: VolumeCheck): Check {
  return {
    id: definition.id,
    severity: definition.severity,
    mode: 'spec',
    title: definition.title,
    target: 'Workload',
    detect(workload) {
      const volumes = definition.select(hostPathVolumes(workload.podSpec));
      if (volumes.length === 0) return undefined;
      return {
        message: `${named(workload.object)} ${definition.problem}: ${listed(volumes)}.`,
        remediation: definition.remediation(workload, volumes),
        evidence: { volumes: volumes.map((volume) => ({ name: volume.name, path: volume.hostPath.path })) },
      };
    },
  };
}

const hostPathVolume = volumeCheck({
  id: 'host-path-volume',
  severity: 'high',
  title: 'Pods with hostPath volumes',
  select: (volumes) => volumes,
  problem: "has hostPath volumes, which reach the node's filesystem",
  remediation: (workload, volumes) =>
    [
      'Replace each hostPath volume with one the Pod owns: an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim.',
      podSpecFragment(workload, [
        'volumes:',
        ...volumes.flatMap((volume) => [`  - name: ${volume.name}`, '    emptyDir: {}']),
      ]),
    ].join('\n'),
});

const containerRuntimeSocket = volumeCheck({
  id: 'container-runtime-socket',
  severity: 'critical',
  title: "Pods that reach the node's container runtime socket",
  select: (volumes) => volumes.filter(exposesRuntime),
  problem: "mounts the node's container runtime socket (or its directory)",
  remediation: (workload, volumes) =>
    `Remove ${volumes.length === 1 ? 'this volume' : 'these volumes'} from ${named(workload.object)}: whoever reaches the runtime socket controls every container on the node. Build images with a daemonless builder (BuildKit rootless, Kaniko) instead.`,
});

/** The container's mounts of hostPath volumes that are not read-only. */
function writableHostMounts(container: AnyContainer, workload: Workload): readonly V1VolumeMount[] {
  const hostPaths = new Set(hostPathVolumes(workload.podSpec).map((volume) => volume.name));
  return (container.volumeMounts ?? []).filter(
    (mount) => hostPaths.has(mount.name) && mount.readOnly !== true,
  );
}

const hostPathWritable = containerCheck({
  id: 'host-path-writable',
  severity: 'high',
  title: "Containers that can write to the node's filesystem",
  offending: (workload) =>
    allContainers(workload).filter((container) => writableHostMounts(container, workload).length > 0),
  problem: 'mounts hostPath volumes writable in containers',
  advice: 'Mount each hostPath volume with readOnly: true, or replace it with a volume the Pod owns.',
  fix: ['volumeMounts:', '  - name: <hostPath volume>', '    readOnly: true'],
  evidence: (offending, workload) => ({
    mounts: offending.flatMap((container) =>
      writableHostMounts(container, workload).map((mount) => ({
        container: container.name,
        volume: mount.name,
        mountPath: mount.mountPath,
      })),
    ),
  }),
});

export const hostFilesystem: Agent = {
  id: 'host-filesystem',
  name: 'Host filesystem',
  category: 'security',
  description: "Access to the node's filesystem and container runtime.",
  checks: [hostPathVolume, hostPathWritable, containerRuntimeSocket],
};
