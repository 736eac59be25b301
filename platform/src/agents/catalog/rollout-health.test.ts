import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { controllerChain, cronJob, deployment, job, pod, podSpec, replicaSet } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { rolloutHealthCases } from './rollout-health.cases.ts';
import { rolloutHealth } from './rollout-health.ts';

const { now } = CASE_CLOCK;

describeCases(rolloutHealth, rolloutHealthCases);

// Controller-made children carry uids and ownerReferences, which no manifest can: no case rows.
describe('rollout-health on controller-made objects', () => {
  const unschedulable = {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no fit' }],
  };
  const scheduled = { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }] };
  const web = deployment('web', podSpec(), { spec: { replicas: 2 }, status: { availableReplicas: 2 } });
  const found = (objects: Parameters<typeof snapshotOf>[0]) =>
    evaluate([rolloutHealth], snapshotOf(objects), { now }).findings.map((f) => [
      f.check,
      `${f.resource.kind}/${f.resource.name}`,
      f.evidence,
    ]);

  it("reports a Deployment's unschedulable Pods on the Deployment, once", () => {
    const [a, rs, d] = controllerChain(pod('web-1-a', podSpec(), unschedulable), replicaSet('web-1'), web);
    const [b] = controllerChain(pod('web-1-b', podSpec(), unschedulable), rs);
    const [c] = controllerChain(pod('web-1-c', podSpec(), scheduled), rs);
    expect(found([a, b, c, rs, d])).toEqual([
      [
        'rollout-health/pods-unschedulable',
        'Deployment/web',
        { pods: ['web-1-a', 'web-1-b'], reasons: ['no fit'] },
      ],
    ]);
  });

  it('reports unschedulable Pods of a CronJob on the CronJob', () => {
    const [p, j, c] = controllerChain(
      pod('nightly-1-x', podSpec(), unschedulable),
      job('nightly-1'),
      cronJob('nightly'),
    );
    expect(found([p, j, c]).map(([check, on]) => [check, on])).toEqual([
      ['rollout-health/pods-unschedulable', 'CronJob/nightly'],
    ]);
  });

  it("reports a ReplicaSet's ReplicaFailure on its Deployment", () => {
    const failure = {
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: 'quota exceeded',
    };
    const [rs, d] = controllerChain(
      replicaSet('web-2', podSpec(), { status: { replicas: 0, conditions: [failure] } }),
      web,
    );
    const [old] = controllerChain(replicaSet('web-1', podSpec(), { status: { replicas: 2 } }), d);
    expect(found([rs, old, d])).toEqual([
      [
        'rollout-health/pod-creation-failing',
        'Deployment/web',
        { replicaSets: ['web-2'], reasons: ['FailedCreate'], messages: ['quota exceeded'] },
      ],
    ]);
    const [healthy] = controllerChain(replicaSet('web-2', podSpec(), { status: { replicas: 2 } }), web);
    expect(found([healthy, old, d])).toEqual([]);
  });
});
