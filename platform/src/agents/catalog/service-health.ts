import type { V1ServicePort } from '@kubernetes/client-node';
import { named, type Stored } from '../kinds.ts';
import { withoutReadyEndpoints } from '../lookups/endpoints.ts';
import { selectedBy, selectsPods } from '../lookups/services.ts';
import { allContainers } from '../semantics/containers.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Agent, Check } from '../types.ts';
import { describeCommand, fragment, labelsText, nameList } from './text.ts';

type Service = Stored<'Service'>;

const selectorOf = (service: Service) => service.spec?.selector ?? {};

function selectsNothing(snapshot: Snapshot, service: Service): boolean {
  const { workloads, pods } = selectedBy(snapshot, service);
  return workloads.length === 0 && pods.length === 0;
}

const selectorMatchesNothing: Check = {
  id: 'selector-matches-nothing',
  severity: 'high',
  mode: 'spec',
  title: 'Services whose selector matches no Pod',
  target: 'Service',
  detect(service, { snapshot }) {
    if (!selectsPods(service) || !selectsNothing(snapshot, service)) return undefined;
    const selector = selectorOf(service);
    return {
      message: `${named(service)} selects no Pod: no pod template or Pod is labelled ${labelsText(selector)}.`,
      remediation: `Make spec.selector match the pod template labels of the workload it should route to, or delete the Service.\n${fragment(
        'spec.selector',
        Object.entries(selector).map(([key, value]) => `${key}: ${value}`),
      )}`,
      evidence: { selector },
    };
  },
};

const noReadyEndpoints: Check = {
  id: 'no-ready-endpoints',
  severity: 'high',
  mode: 'runtime',
  title: 'Services without a ready endpoint',
  target: 'Service',
  detect(service, { snapshot }) {
    const missing = withoutReadyEndpoints(snapshot, service);
    if (!missing) return undefined;
    const selector = selectorOf(service);
    const { pods } = selectedBy(snapshot, service);
    return {
      message: `${named(service)} has no ready endpoint: none of the Pods it selects is Ready.`,
      remediation: [
        'Find why the selected Pods are not Ready (or why there are none):',
        `kubectl -n ${snapshot.namespace} get pods -l ${labelsText(selector)}`,
        describeCommand(service, snapshot.namespace),
      ].join('\n'),
      evidence: { selector, pods: nameList(pods), ...missing },
    };
  },
};

/** Ports whose targetPort is a name no container of the selected templates and Pods declares. */
function unnamedTargets(snapshot: Snapshot, service: Service): V1ServicePort[] {
  const { workloads, pods } = selectedBy(snapshot, service);
  const containers = [
    ...workloads.flatMap((workload) => allContainers(workload)),
    ...pods.flatMap((pod) =>
      pod.spec
        ? allContainers({ podSpec: pod.spec, ephemeralContainers: pod.spec.ephemeralContainers ?? [] })
        : [],
    ),
  ];
  const declared = new Set(
    containers.flatMap((container) => (container.ports ?? []).flatMap((port) => port.name ?? [])),
  );
  return (service.spec?.ports ?? []).filter(
    (port) => typeof port.targetPort === 'string' && !declared.has(port.targetPort),
  );
}

const namedTargetPortMissing: Check = {
  id: 'named-target-port-missing',
  severity: 'medium',
  mode: 'spec',
  title: 'Services targeting a port name no selected container declares',
  target: 'Service',
  detect(service, { snapshot }) {
    if (!selectsPods(service) || selectsNothing(snapshot, service)) return undefined;
    const missing = unnamedTargets(snapshot, service);
    const [first] = missing;
    if (!first) return undefined;
    const targets = missing.map((port) => String(port.targetPort));
    return {
      message: `${named(service)} targets container ports no selected container declares: ${[...new Set(targets)].join(', ')}.`,
      remediation: `Name the container port as the Service targets it, or target the port number.\n${fragment('spec', ['ports:', `  - port: ${first.port}`, `    targetPort: <containerPort>`])}`,
      evidence: {
        ports: missing.map((port) => ({ port: port.port, targetPort: String(port.targetPort) })),
      },
    };
  },
};

export const serviceHealth: Agent = {
  id: 'service-health',
  name: 'Service health',
  category: 'reliability',
  description: 'Services that route to nothing.',
  checks: [selectorMatchesNothing, noReadyEndpoints, namedTargetPortMissing],
};
