import type { V2MetricSpec } from '@kubernetes/client-node';
import { named, type Stored } from '../kinds.ts';
import { hpasTargeting, hpaTarget, type ScaleTarget } from '../lookups/hpa.ts';
import { containerDefaultsOf } from '../lookups/limit-ranges.ts';
import { pdbsMatching } from '../lookups/pdbs.ts';
import { hasCondition } from '../semantics/conditions.ts';
import { scaledUp } from '../semantics/int-or-percent.ts';
import { containersLacking } from '../semantics/resources.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Agent, Check } from '../types.ts';
import { podTemplateOf } from '../workloads.ts';
import { describeCommand, fragment, nameList } from './text.ts';

type Hpa = Stored<'HorizontalPodAutoscaler'>;

/** Effective minReplicas: the API defaults it to 1. */
const minReplicasOf = (hpa: Hpa) => hpa.spec?.minReplicas ?? 1;

/** The kinds target-missing evaluates; a ReplicationController is one, but agents cannot read them (§0.1). */
const EVALUATED = ['Deployment', 'StatefulSet', 'ReplicaSet'];

const targetMissing: Check = {
  id: 'target-missing',
  severity: 'high',
  mode: 'spec',
  title: 'HPAs whose target does not exist',
  target: 'HorizontalPodAutoscaler',
  detect(hpa, { snapshot }) {
    const ref = hpa.spec?.scaleTargetRef;
    if (!ref || !EVALUATED.includes(ref.kind) || hpaTarget(snapshot, hpa)) return undefined;
    return {
      message: `${named(hpa)} scales ${ref.kind} ${ref.name}, which does not exist.`,
      remediation: `Point scaleTargetRef at the workload to scale, or delete the HPA:\nkubectl -n ${snapshot.namespace} delete hpa ${hpa.metadata.name}`,
      evidence: { target: `${ref.kind} ${ref.name}` },
    };
  },
};

const minEqualsMax: Check = {
  id: 'min-equals-max',
  severity: 'low',
  mode: 'spec',
  title: 'HPAs that cannot scale (minReplicas equals maxReplicas)',
  target: 'HorizontalPodAutoscaler',
  detect(hpa) {
    const minReplicas = minReplicasOf(hpa);
    const maxReplicas = hpa.spec?.maxReplicas;
    if (minReplicas !== maxReplicas) return undefined;
    return {
      message: `${named(hpa)} has minReplicas equal to maxReplicas (${maxReplicas}): it never scales.`,
      remediation: `Raise maxReplicas above minReplicas, or drop the HPA and set the replicas on the workload.\n${fragment('spec', [`maxReplicas: ${maxReplicas + 2}`])}`,
      evidence: { minReplicas, maxReplicas },
    };
  },
};

const minBelowTwo: Check = {
  id: 'min-below-two',
  severity: 'low',
  mode: 'spec',
  title: 'HPAs that may scale down to one replica',
  target: 'HorizontalPodAutoscaler',
  detect(hpa) {
    const minReplicas = minReplicasOf(hpa);
    if (minReplicas >= 2) return undefined;
    return {
      message: `${named(hpa)} may scale down to ${minReplicas} replica${minReplicas === 1 ? '' : 's'}: a node drain or a crash then takes the workload down.`,
      remediation: fragment('spec', ['minReplicas: 2']),
      evidence: { minReplicas },
    };
  },
};

// autoscaling/v2 stores an HPA without metrics with this one (80% CPU utilization): applied here too,
// so that a manifest and its stored object give the same answer.
const DEFAULT_METRICS: readonly V2MetricSpec[] = [
  { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
];

/** Utilization metrics and the running containers of the target lacking the request they divide by. */
function unmeasurable(snapshot: Snapshot, hpa: Hpa, target: ScaleTarget) {
  const spec = podTemplateOf(target)?.spec ?? { containers: [] };
  const defaults = containerDefaultsOf(snapshot);
  const metrics = hpa.spec?.metrics?.length ? hpa.spec.metrics : DEFAULT_METRICS;
  return metrics.flatMap((metric) => {
    const resource = metric.resource ?? metric.containerResource;
    if (!resource || resource.target.type !== 'Utilization') return [];
    if (metric.type !== 'Resource' && metric.type !== 'ContainerResource') return [];
    const only = metric.type === 'ContainerResource' ? metric.containerResource?.container : undefined;
    const lacking = containersLacking(spec, resource.name, 'request', defaults).filter(
      (container) => only === undefined || container.name === only,
    );
    return lacking.length === 0 ? [] : [{ resource: resource.name, containers: nameList(lacking) }];
  });
}

const targetLacksRequests: Check = {
  id: 'target-lacks-requests',
  severity: 'medium',
  mode: 'spec',
  title: 'HPAs scaling on utilization of a request the target does not set',
  target: 'HorizontalPodAutoscaler',
  detect(hpa, { snapshot }) {
    const target = hpaTarget(snapshot, hpa);
    const missing = target ? unmeasurable(snapshot, hpa, target) : [];
    const [first] = missing;
    if (!target || !first) return undefined;
    return {
      message: `${named(hpa)} scales on ${first.resource} utilization, but ${named(target)} has running containers without a ${first.resource} request (${first.containers.join(', ')}): it cannot compute it.`,
      remediation: `Set the request on each container (utilization is a percentage of it):\n${fragment('spec.template.spec', ['containers:', `  - name: ${first.containers[0]}`, '    resources:', '      requests:', `        ${first.resource}: <amount>`])}`,
      evidence: { target: named(target), metrics: missing },
    };
  },
};

const pdbConflictsWithMin: Check = {
  id: 'pdb-conflicts-with-min',
  severity: 'medium',
  mode: 'spec',
  title: 'Workloads whose PDB requires more Pods than their HPA may run',
  target: 'Workload',
  detect(workload, { snapshot }) {
    const conflicts = hpasTargeting(snapshot, workload.object).flatMap((hpa) => {
      const minReplicas = minReplicasOf(hpa);
      return pdbsMatching(snapshot, workload).flatMap((pdb) => {
        const minAvailable = scaledUp(pdb.spec?.minAvailable, minReplicas);
        return minAvailable !== undefined && minAvailable > minReplicas
          ? [{ hpa: hpa.metadata.name, minReplicas, pdb: pdb.metadata.name, minAvailable }]
          : [];
      });
    });
    const [first] = conflicts;
    if (!first) return undefined;
    return {
      message: `${named(workload.object)} may be scaled to ${first.minReplicas} replicas by HorizontalPodAutoscaler ${first.hpa}, but PodDisruptionBudget ${first.pdb} requires ${first.minAvailable} available: no Pod could then be evicted.`,
      remediation: `Raise the HPA's minReplicas to at least the PDB's minAvailable, or lower minAvailable.\n${fragment('spec', [`minReplicas: ${first.minAvailable}`])}`,
      evidence: { conflicts },
    };
  },
};

const scalingInactive: Check = {
  id: 'scaling-inactive',
  severity: 'low',
  mode: 'runtime',
  title: 'HPAs that cannot compute a scale',
  target: 'HorizontalPodAutoscaler',
  detect(hpa, { snapshot }) {
    const condition = hasCondition(hpa.status?.conditions, 'ScalingActive', 'False');
    if (!condition) return undefined;
    return {
      message: `${named(hpa)} is not scaling: ${condition.reason ?? 'ScalingActive is False'}.`,
      remediation: `The condition's message says why (a metric it cannot read, a target scaled to zero):\n${describeCommand(hpa, snapshot.namespace)}`,
      evidence: { reason: condition.reason ?? '', message: condition.message ?? '' },
    };
  },
};

export const hpaConfig: Agent = {
  id: 'hpa-config',
  name: 'HPA configuration',
  category: 'reliability',
  description: 'HorizontalPodAutoscalers that cannot scale, or scale into trouble.',
  checks: [
    targetMissing,
    minEqualsMax,
    minBelowTwo,
    targetLacksRequests,
    pdbConflictsWithMin,
    scalingInactive,
  ],
};
