import type { V1ContainerPort, V1PodSpec } from '@kubernetes/client-node';
import { named } from '../kinds.ts';
import { type AnyContainer, allContainers } from '../semantics/containers.ts';
import type { Agent, Check, Severity } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';
import { podSpecFragment } from './text.ts';

type HostNamespace = 'hostNetwork' | 'hostPID' | 'hostIPC';

function sharedNamespace(id: string, field: HostNamespace, what: string, severity: Severity): Check {
  return {
    id,
    severity,
    mode: 'spec',
    title: `Pods share the node's ${what}`,
    target: 'Workload',
    detect(workload) {
      if (workload.podSpec[field] !== true) return undefined;
      return {
        message: `${named(workload.object)} shares the node's ${what} (${field}: true).`,
        remediation: `Remove ${field} or set it to false.\n${podSpecFragment(workload, [`${field}: false`])}`,
        evidence: { [field]: true },
      };
    },
  };
}

/**
 * The host port a container port binds. The API defaults `hostPort` to `containerPort` for Pods with
 * `hostNetwork: true`, but no longer for templates (AGENTS.md, host-port): a bare Pod is read as
 * stored even from its manifest.
 */
function hostPort(port: V1ContainerPort, workload: Workload, spec: V1PodSpec): number {
  const defaulted = workload.object.kind === 'Pod' && spec.hostNetwork === true;
  return port.hostPort ?? (defaulted ? port.containerPort : 0);
}

const boundPorts = (container: AnyContainer, workload: Workload) =>
  (container.ports ?? []).filter((port) => hostPort(port, workload, workload.podSpec) !== 0);

const hostPortCheck = containerCheck({
  id: 'host-port',
  severity: 'medium',
  title: 'Containers bind ports on the node',
  offending: (workload) =>
    allContainers(workload).filter((container) => boundPorts(container, workload).length > 0),
  problem: 'binds ports on the node (hostPort) in containers',
  advice: 'Remove hostPort from the container ports and reach the Pods through a Service.',
  fix: ['ports:', '  - containerPort: <port>  # no hostPort'],
  evidence: (offending, workload) => ({
    ports: offending.flatMap((container) =>
      boundPorts(container, workload).map((port) => ({
        container: container.name,
        containerPort: port.containerPort,
        hostPort: hostPort(port, workload, workload.podSpec),
      })),
    ),
  }),
});

export const hostNamespaces: Agent = {
  id: 'host-namespaces',
  name: 'Host namespaces',
  category: 'security',
  description: "Pods sharing the node's network, process or IPC namespaces, or binding node ports.",
  checks: [
    sharedNamespace('host-network', 'hostNetwork', 'network namespace', 'high'),
    sharedNamespace('host-pid', 'hostPID', 'process namespace', 'high'),
    sharedNamespace('host-ipc', 'hostIPC', 'IPC namespace', 'high'),
    hostPortCheck,
  ],
};
