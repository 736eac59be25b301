import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { agentSettings } from '../settings.ts';
import { CASE_CLOCK, type KubeManifest, snapshotOf } from '../testing/case.ts';
import { container, cronJob, deployment, job, pod, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { costEstimatorCases } from './cost-estimator.cases.ts';
import { costEstimator } from './cost-estimator.ts';
import { TEAM_LABEL } from './cost-summary.ts';
import { catalog } from './index.ts';

const { now } = CASE_CLOCK;

describeCases(costEstimator, costEstimatorCases);

const requesting = (cpu: string, memory: string) =>
  podSpec({ containers: [container('app', { resources: { requests: { cpu, memory } } })] });
const claim = (name: string, storage: string): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { resources: { requests: { storage } } },
});
const loadBalancer = (name: string): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
});

const ofTeam = <T extends KubeManifest>(object: T, team: string): T => ({
  ...object,
  metadata: { ...object.metadata, labels: { ...object.metadata.labels, [TEAM_LABEL]: team } },
});

describe('cost-estimator summary', () => {
  const objects = [
    ofTeam(deployment('web', requesting('500m', '1Gi'), { spec: { replicas: 3 } }), 'payments'),
    deployment('idle', requesting('8', '8Gi'), { spec: { replicas: 0 } }),
    pod('debug', podSpec()),
    pod('done', requesting('8', '8Gi'), { phase: 'Failed' }),
    ofTeam(job('migrate', requesting('1', '2Gi'), { spec: { parallelism: 2 } }), 'payments'),
    cronJob('report', requesting('250m', '1Gi')),
    ofTeam(claim('data', '10Gi'), 'payments'),
    claim('logs', '512Mi'),
    ofTeam(deployment('search', requesting('2', '2Gi')), 'search'),
    loadBalancer('public'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'internal' },
      spec: { ports: [{ port: 80 }] },
    } satisfies KubeManifest,
  ];

  it('totals workloads, volumes and load balancers, by workload and by team; batch is not in it', () => {
    const { summaries } = evaluate([costEstimator], snapshotOf(objects), { now });
    expect(summaries['cost-estimator']).toEqual({
      currency: 'USD',
      // web 3 × 14.50, search 52, data 1, logs 0.05, public 18
      monthlyTotal: 114.55,
      byWorkload: [
        { kind: 'Deployment', name: 'search', monthly: 52 },
        { kind: 'Deployment', name: 'web', monthly: 43.5 },
        { kind: 'Pod', name: 'debug', monthly: 0 },
      ],
      byTeam: [
        { team: 'search', monthly: 52 },
        { team: 'payments', monthly: 44.5 },
        { team: 'unassigned', monthly: 18.05 },
      ],
    });
  });

  it('is the same summary for every cost agent, computed once per run', () => {
    const cost = catalog.filter((agent) => agent.category === 'cost');
    expect(cost.map((agent) => agent.id).sort()).toEqual([
      'cost-estimator',
      'idle-resources',
      'service-cost',
    ]);
    const { summaries } = evaluate(cost, snapshotOf(objects), { now });
    const [first, ...rest] = cost.map((agent) => summaries[agent.id]);
    expect(first).toMatchObject({ monthlyTotal: 114.55 });
    for (const summary of rest) expect(summary).toBe(first);
  });

  it('uses the prices and thresholds of the settings', () => {
    const objects = [deployment('web', requesting('1', '1Gi'))];
    expect(evaluate([costEstimator], snapshotOf(objects), { now }).findings).toEqual([]);
    const pricier = agentSettings({
      currency: 'EUR',
      prices: { cpuCore: 40 },
      thresholds: { workloadMonthly: 40 },
    });
    const [finding] = evaluate([costEstimator], snapshotOf(objects), { now, settings: pricier }).findings;
    expect(finding?.message).toBe('Deployment web reserves about EUR 43.00 a month (1 × EUR 43.00).');
    expect(finding?.evidence).toEqual({
      replicas: 1,
      perReplica: 43,
      monthly: 43,
      currency: 'EUR',
      cpuCores: 1,
      memoryGiB: 1,
    });
  });

  it('suggests the largest maxReplicas below the ceiling threshold', () => {
    const hpa: KubeManifest = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 40 },
    };
    const [finding] = evaluate(
      [costEstimator],
      snapshotOf([deployment('web', requesting('1', '1Gi')), hpa]),
      { now },
    ).findings;
    expect(finding?.message).toBe(
      'HorizontalPodAutoscaler web may scale Deployment web to about USD 1040.00 a month (40 × USD 26.00).',
    );
    expect(finding?.remediation).toContain('maxReplicas: 19');
  });
});
