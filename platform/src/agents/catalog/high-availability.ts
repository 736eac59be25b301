import type { V1PodAffinityTerm } from '@kubernetes/client-node';
import { named } from '../kinds.ts';
import { hpasTargeting } from '../lookups/hpa.ts';
import { pdbsMatching } from '../lookups/pdbs.ts';
import { servicesSelecting } from '../lookups/services.ts';
import { labelSelectorMatches } from '../semantics/selectors.ts';
import type { Agent, Check } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { fragment, labelsText, nameList, podSpecFragment } from './text.ts';

/** `spec.replicas` of a Deployment or StatefulSet (stored; the API defaults it to 1); undefined for other kinds. */
function replicasOf({ object }: Workload): number | undefined {
  return object.kind === 'Deployment' || object.kind === 'StatefulSet'
    ? (object.spec?.replicas ?? 1)
    : undefined;
}

const singleReplica: Check = {
  id: 'single-replica',
  severity: 'medium',
  mode: 'spec',
  title: 'Deployments behind a Service with one replica',
  target: 'Workload',
  detect(workload, { snapshot }) {
    const { object } = workload;
    if (object.kind !== 'Deployment' || replicasOf(workload) !== 1) return undefined;
    if (hpasTargeting(snapshot, object).length > 0) return undefined;
    const services = servicesSelecting(snapshot, workload);
    if (services.length === 0) return undefined;
    return {
      message: `${named(object)} serves ${nameList(services).join(', ')} from one replica: a node drain or a crash takes it down.`,
      remediation: `Run at least two replicas (or let an HPA scale it).\n${fragment('spec', ['replicas: 2'])}`,
      evidence: { replicas: 1, services: nameList(services) },
    };
  },
};

const missingPdb: Check = {
  id: 'missing-pdb',
  severity: 'medium',
  mode: 'spec',
  title: 'Replicated workloads without a PodDisruptionBudget',
  target: 'Workload',
  detect(workload, { snapshot }) {
    const replicas = replicasOf(workload);
    if (replicas === undefined || replicas < 2 || pdbsMatching(snapshot, workload).length > 0)
      return undefined;
    return {
      message: `${named(workload.object)} has ${replicas} replicas and no PodDisruptionBudget: a node drain may evict them all at once.`,
      remediation: [
        'Add a PodDisruptionBudget that selects its Pods:',
        'apiVersion: policy/v1',
        'kind: PodDisruptionBudget',
        'metadata:',
        `  name: ${workload.object.metadata.name}`,
        fragment('spec', [
          'maxUnavailable: 1',
          'selector:',
          '  matchLabels:',
          ...labelLines(workload.podLabels, 4),
        ]),
      ].join('\n'),
      evidence: { replicas },
    };
  },
};

const labelLines = (labels: Readonly<Record<string, string>>, depth: number) =>
  Object.entries(labels).map(([key, value]) => `${' '.repeat(depth)}${key}: ${value}`);

const SPREAD_KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'];

/** A topology spread constraint or a host/zone pod anti-affinity term that selects the workload's own Pods. */
function spreads(workload: Workload): boolean {
  const own = (selector: V1PodAffinityTerm['labelSelector']) =>
    labelSelectorMatches(selector, workload.podLabels);
  const { topologySpreadConstraints = [], affinity } = workload.podSpec;
  const antiAffinity = affinity?.podAntiAffinity;
  const terms = [
    ...(antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (term) => term.podAffinityTerm,
    ),
  ];
  return (
    topologySpreadConstraints.some((constraint) => own(constraint.labelSelector)) ||
    terms.some((term) => SPREAD_KEYS.includes(term.topologyKey) && own(term.labelSelector))
  );
}

const noSpread: Check = {
  id: 'no-spread',
  severity: 'low',
  mode: 'spec',
  title: 'Replicated workloads not spread across nodes or zones',
  target: 'Workload',
  detect(workload) {
    const replicas = replicasOf(workload);
    if (replicas === undefined || replicas < 2 || spreads(workload)) return undefined;
    return {
      message: `${named(workload.object)} has ${replicas} replicas that may all land on one node: nothing spreads them.`,
      remediation: `Spread its Pods across nodes (or zones):\n${podSpecFragment(workload, [
        'topologySpreadConstraints:',
        '  - maxSkew: 1',
        '    topologyKey: kubernetes.io/hostname',
        '    whenUnsatisfiable: ScheduleAnyway',
        '    labelSelector:',
        '      matchLabels:',
        ...labelLines(workload.podLabels, 8),
      ])}`,
      evidence: { replicas, podLabels: labelsText(workload.podLabels) },
    };
  },
};

const recreateStrategy: Check = {
  id: 'recreate-strategy',
  severity: 'low',
  mode: 'spec',
  title: 'Deployments behind a Service that stop every Pod before starting new ones',
  target: 'Workload',
  detect(workload, { snapshot }) {
    const { object } = workload;
    if (object.kind !== 'Deployment' || object.spec?.strategy?.type !== 'Recreate') return undefined;
    const services = servicesSelecting(snapshot, workload);
    if (services.length === 0) return undefined;
    return {
      message: `${named(object)} uses the Recreate strategy behind ${nameList(services).join(', ')}: each rollout is an outage.`,
      remediation: `Use RollingUpdate unless two versions must never run at once.\n${fragment('spec.strategy', ['type: RollingUpdate'])}`,
      evidence: { strategy: 'Recreate', services: nameList(services) },
    };
  },
};

export const highAvailability: Agent = {
  id: 'high-availability',
  name: 'High availability',
  category: 'reliability',
  description: 'Workloads that one node drain or rollout takes down.',
  checks: [singleReplica, missingPdb, noSpread, recreateStrategy],
};
