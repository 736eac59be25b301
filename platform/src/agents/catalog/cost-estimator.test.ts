import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { agentSettings } from '../settings.ts';
import { CASE_CLOCK, type KubeManifest, snapshotOf } from '../testing/case.ts';
import { container, cronJob, deployment, job, pod, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { costEstimatorCases } from './cost-estimator.cases.ts';
import { costEstimator } from './cost-estimator.ts';

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

describe('cost-estimator summary', () => {
  it('totals workloads, volumes and load balancers; batch is listed apart', () => {
    const { summaries } = evaluate(
      [costEstimator],
      snapshotOf([
        deployment('web', requesting('500m', '1Gi'), { spec: { replicas: 3 } }),
        deployment('idle', requesting('8', '8Gi'), { spec: { replicas: 0 } }),
        pod('debug', podSpec()),
        pod('done', requesting('8', '8Gi'), { phase: 'Failed' }),
        job('migrate', requesting('1', '2Gi'), { spec: { parallelism: 2 } }),
        cronJob('report', requesting('250m', '1Gi')),
        claim('data', '10Gi'),
        claim('logs', '512Mi'),
        loadBalancer('public'),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'internal' },
          spec: { ports: [{ port: 80 }] },
        },
      ]),
      { now },
    );
    expect(summaries['cost-estimator']).toEqual({
      currency: 'USD',
      monthly: { workloads: 43.5, storage: 1.05, loadBalancers: 18, total: 62.55 },
      workloads: [
        { kind: 'Deployment', name: 'web', replicas: 3, perReplica: 14.5, monthly: 43.5, unpriced: [] },
        { kind: 'Pod', name: 'debug', replicas: 1, perReplica: 0, monthly: 0, unpriced: ['app'] },
      ],
      batch: [
        { kind: 'Job', name: 'migrate', parallelism: 2, monthlyWhileRunning: 58 },
        { kind: 'CronJob', name: 'report', parallelism: 1, monthlyWhileRunning: 8.75 },
      ],
      claims: [
        { name: 'data', gib: 10, monthly: 1 },
        { name: 'logs', gib: 0.5, monthly: 0.05 },
      ],
      loadBalancers: ['public'],
    });
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
