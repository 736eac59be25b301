import type { V2HorizontalPodAutoscalerStatus } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { container, deployment, hpa, pdb, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('hpa-config');
const requesting = podSpec({
  containers: [container('app', { resources: { requests: { cpu: '100m', memory: '64Mi' } } })],
});
/**
 * What the HPA controller writes on an HPA whose target exists in a cluster without a metrics API
 * (the local stack): it cannot read the metric, so ScalingActive is False.
 */
const NO_METRICS: V2HorizontalPodAutoscalerStatus = {
  desiredReplicas: 2,
  currentReplicas: 2,
  conditions: [
    { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
    {
      type: 'ScalingActive',
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization',
    },
  ],
};
const NO_METRICS_NOTE =
  'the local stack has no metrics API: the HPA controller writes ScalingActive=False on every HPA whose target exists';
const deploymentOf = (row: string, spec = requesting) => deployment(name(row), spec);
/** The row's HPA on the row's Deployment, with the status the local stack gives it. */
const hpaOf = (row: string, spec: Parameters<typeof hpa>[2] = {}) =>
  hpa(name(`${row}-hpa`), { kind: 'Deployment', name: name(row) }, spec, NO_METRICS);

const noTarget = hpa(name('no-target-hpa'), { kind: 'Deployment', name: name('no-such-deployment') });
const fixed = hpaOf('fixed', { minReplicas: 3, maxReplicas: 3 });
const minOne = hpaOf('min-one', { minReplicas: undefined });
const scaling = hpaOf('scaling');
const noRequest = hpaOf('no-request');
const defaultMetric = hpaOf('default-metric', { metrics: undefined });
const averageValue = hpaOf('average-value', {
  metrics: [
    {
      type: 'Resource',
      resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
    },
  ],
});
const compatible = hpaOf('compatible');
const percent = hpaOf('percent');
const conflicting = deploymentOf('conflicting');
const conflictingHpa = hpaOf('conflicting');

export const hpaConfigCases: readonly Case[] = [
  {
    name: 'a target Deployment that does not exist',
    objects: [noTarget],
    expect: [found('target-missing', noTarget)],
    note: 'the controller writes AbleToScale=False (FailedGetScale), and no ScalingActive condition',
  },
  {
    name: 'a ReplicationController target is not evaluated: agents read no ReplicationControllers',
    objects: [hpa(name('rc-hpa'), { apiVersion: 'v1', kind: 'ReplicationController', name: name('rc') }, {})],
    expect: [],
  },
  {
    name: 'a custom resource target is not evaluated',
    objects: [
      hpa(name('custom-hpa'), { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: name('custom') }),
    ],
    expect: [],
    note: 'without that resource in the cluster the controller writes AbleToScale=False, and no ScalingActive condition',
  },
  {
    name: 'minReplicas equals maxReplicas',
    objects: [deploymentOf('fixed'), fixed],
    expect: [found('min-equals-max', fixed), found('scaling-inactive', fixed)],
    runtime: true,
    note: NO_METRICS_NOTE,
  },
  {
    name: 'minReplicas unset is 1',
    objects: [deploymentOf('min-one'), minOne],
    expect: [found('min-below-two', minOne), found('scaling-inactive', minOne)],
    runtime: true,
    note: `the API defaults minReplicas to 1; ${NO_METRICS_NOTE}`,
  },
  {
    name: 'between 2 and 5 replicas on the CPU its target requests',
    objects: [deploymentOf('scaling'), scaling],
    expect: [found('scaling-inactive', scaling)],
    runtime: true,
    note: NO_METRICS_NOTE,
  },
  {
    name: 'CPU utilization of a target without CPU requests',
    objects: [deploymentOf('no-request', podSpec()), noRequest],
    expect: [found('target-lacks-requests', noRequest), found('scaling-inactive', noRequest)],
    runtime: true,
    note: NO_METRICS_NOTE,
  },
  {
    name: 'no metrics: the API stores 80% CPU utilization',
    objects: [deploymentOf('default-metric', podSpec()), defaultMetric],
    expect: [found('target-lacks-requests', defaultMetric), found('scaling-inactive', defaultMetric)],
    runtime: true,
    note: `autoscaling/v2 defaults an empty metrics list to 80% CPU utilization; ${NO_METRICS_NOTE}`,
  },
  {
    name: 'an average value needs no request',
    objects: [deploymentOf('average-value', podSpec()), averageValue],
    expect: [found('scaling-inactive', averageValue)],
    runtime: true,
    note: NO_METRICS_NOTE,
  },
  {
    name: 'a PDB requiring more available Pods than minReplicas',
    objects: [
      conflicting,
      conflictingHpa,
      pdb(name('conflicting-pdb'), conflicting.metadata.name, { minAvailable: 3 }),
    ],
    expect: [found('pdb-conflicts-with-min', conflicting), found('scaling-inactive', conflictingHpa)],
    runtime: true,
    note: NO_METRICS_NOTE,
  },
  {
    name: 'a PDB requiring minReplicas available Pods, or 100% of them',
    objects: [
      deploymentOf('compatible'),
      compatible,
      pdb(name('compatible-pdb'), name('compatible'), { minAvailable: 2 }),
      deploymentOf('percent'),
      percent,
      pdb(name('percent-pdb'), name('percent'), { minAvailable: '100%' }),
    ],
    expect: [found('scaling-inactive', compatible), found('scaling-inactive', percent)],
    runtime: true,
    note: NO_METRICS_NOTE,
  },
];
