import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { regularContainers } from '../semantics/containers.ts';
import { workloadClass } from '../semantics/workload-class.ts';
import type { Agent } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';

/** Regular containers of long-running workloads: native sidecars, init containers and batch are exempt. */
const probed = (workload: Workload): readonly V1Container[] =>
  workloadClass(workload.object) === 'long-running' ? regularContainers(workload.podSpec) : [];

const readinessMissing = containerCheck({
  id: 'readiness-missing',
  severity: 'medium',
  title: 'Containers without a readiness probe',
  offending: (workload) => probed(workload).filter((container) => !container.readinessProbe),
  problem: 'has containers without a readiness probe',
  advice: 'Add a readinessProbe, so that Services and rollouts wait until a Pod can serve.',
  fix: ['readinessProbe:', '  httpGet:', '    path: /ready', '    port: <port>'],
});

const livenessMissing = containerCheck({
  id: 'liveness-missing',
  severity: 'low',
  title: 'Containers without a liveness probe',
  offending: (workload) => probed(workload).filter((container) => !container.livenessProbe),
  problem: 'has containers without a liveness probe',
  advice: 'Add a livenessProbe, so that the kubelet restarts a container that hangs.',
  fix: ['livenessProbe:', '  httpGet:', '    path: /healthz', '    port: <port>'],
});

/**
 * What a probe checks, timing aside: the handler and its target, a port name resolved through the
 * container's ports, an httpGet path defaulted to `/` as the API does.
 */
export function probeTarget(probe: V1Probe, container: V1Container): string | undefined {
  const port = (value: number | string) =>
    typeof value === 'number'
      ? value
      : (container.ports?.find((p) => p.name === value)?.containerPort ?? value);
  if (probe.httpGet) return `httpGet ${probe.httpGet.path || '/'} on port ${port(probe.httpGet.port)}`;
  if (probe.tcpSocket) return `tcpSocket on port ${port(probe.tcpSocket.port)}`;
  if (probe.exec) return `exec ${JSON.stringify(probe.exec.command ?? [])}`;
  if (probe.grpc) return `grpc on port ${probe.grpc.port}, service "${probe.grpc.service ?? ''}"`;
  return undefined;
}

function sameProbe(container: V1Container): string | undefined {
  const { readinessProbe, livenessProbe } = container;
  if (!readinessProbe || !livenessProbe) return undefined;
  const target = probeTarget(readinessProbe, container);
  return target !== undefined && target === probeTarget(livenessProbe, container) ? target : undefined;
}

const identicalProbes = containerCheck({
  id: 'identical-probes',
  severity: 'medium',
  title: 'Containers whose readiness and liveness probes are the same check',
  offending: (workload) => probed(workload).filter((container) => sameProbe(container) !== undefined),
  problem:
    'has containers whose liveness probe is its readiness probe (an overloaded Pod is restarted, not just taken out of rotation)',
  advice:
    'Make the liveness probe check only that the process is alive (a cheaper endpoint), the readiness probe that it can serve.',
  fix: ['livenessProbe:', '  httpGet:', '    path: /healthz', '    port: <port>'],
  evidence: (offending) => ({
    containers: offending.map((container) => ({ name: container.name, probe: sameProbe(container) ?? '' })),
  }),
});

export const probes: Agent = {
  id: 'probes',
  name: 'Health probes',
  category: 'reliability',
  description:
    'Health probes of long-running workloads (regular containers; native sidecars, init containers and batch workloads are exempt).',
  checks: [readinessMissing, livenessMissing, identicalProbes],
};
