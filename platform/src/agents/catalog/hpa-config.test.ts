import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type KubeManifest, snapshotOf } from '../testing/case.ts';
import { container, deployment, hpa, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { hpaConfigCases } from './hpa-config.cases.ts';
import { hpaConfig } from './hpa-config.ts';

describeCases(hpaConfig, hpaConfigCases);

const found = (objects: Parameters<typeof snapshotOf>[0]) =>
  evaluate([hpaConfig], snapshotOf(objects), { now: CASE_CLOCK.now }).findings.map((f) => [
    f.check,
    f.evidence,
  ]);

describe('hpa-config/target-lacks-requests', () => {
  const spec = podSpec({
    initContainers: [container('proxy', { restartPolicy: 'Always' })],
    containers: [container('app', { resources: { requests: { cpu: '1' } } })],
  });
  const utilization = { type: 'Utilization', averageUtilization: 70 };

  it('checks every running container for a Resource metric, only the named one for ContainerResource', () => {
    const onContainer = (name: string) =>
      hpa(
        'web',
        { kind: 'Deployment', name: 'web' },
        {
          metrics: [
            {
              type: 'ContainerResource',
              containerResource: { name: 'cpu', container: name, target: utilization },
            },
          ],
        },
      );
    expect(found([deployment('web', spec), onContainer('app')])).toEqual([]);
    expect(found([deployment('web', spec), onContainer('proxy')])).toEqual([
      [
        'hpa-config/target-lacks-requests',
        { target: 'Deployment web', metrics: [{ resource: 'cpu', containers: ['proxy'] }] },
      ],
    ]);
    const onPod = hpa(
      'web',
      { kind: 'Deployment', name: 'web' },
      {
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: utilization } },
          { type: 'Resource', resource: { name: 'memory', target: utilization } },
        ],
      },
    );
    expect(found([deployment('web', spec), onPod])).toEqual([
      [
        'hpa-config/target-lacks-requests',
        {
          target: 'Deployment web',
          metrics: [
            { resource: 'cpu', containers: ['proxy'] },
            { resource: 'memory', containers: ['proxy', 'app'] },
          ],
        },
      ],
    ]);
  });

  it('counts LimitRange defaults as requests', () => {
    const limitRange: KubeManifest = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults' },
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m' } }] },
    };
    const target = deployment('web', podSpec());
    const scaler = hpa('web', { kind: 'Deployment', name: 'web' });
    expect(found([target, scaler]).map(([check]) => check)).toEqual(['hpa-config/target-lacks-requests']);
    expect(found([target, scaler, limitRange])).toEqual([]);
  });
});

describe('hpa-config/scaling-inactive', () => {
  it('fires on ScalingActive=False only', () => {
    const withCondition = (status: string) =>
      hpa(
        'web',
        { kind: 'ReplicationController', name: 'web' },
        {},
        {
          desiredReplicas: 2,
          conditions: [
            {
              type: 'ScalingActive',
              status,
              reason: status === 'True' ? 'ValidMetricFound' : 'ScalingDisabled',
            },
          ],
        },
      );
    expect(found([withCondition('True')])).toEqual([]);
    expect(found([withCondition('False')])).toEqual([
      ['hpa-config/scaling-inactive', { reason: 'ScalingDisabled', message: '' }],
    ]);
  });
});
