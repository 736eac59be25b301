import { named } from '../kinds.ts';
import { allContainers } from '../semantics/containers.ts';
import { boundHostPorts, hostPortOf } from '../semantics/host-access.ts';
import type { Agent, Check, Severity } from '../types.ts';
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

const hostPortCheck = containerCheck({
  id: 'host-port',
  severity: 'medium',
  title: 'Containers bind ports on the node',
  offending: (workload) =>
    allContainers(workload).filter((container) => boundHostPorts(container, workload).length > 0),
  problem: 'binds ports on the node (hostPort) in containers',
  advice: 'Remove hostPort from the container ports and reach the Pods through a Service.',
  fix: ['ports:', '  - containerPort: <port>  # no hostPort'],
  evidence: (offending, workload) => ({
    ports: offending.flatMap((container) =>
      boundHostPorts(container, workload).map((port) => ({
        container: container.name,
        containerPort: port.containerPort,
        hostPort: hostPortOf(port, workload),
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
