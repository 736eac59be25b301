import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import {
  container,
  controllerChain,
  deployment,
  endpointSlice,
  pod,
  podSpec,
  replicaSet,
  service,
} from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { serviceHealthCases } from './service-health.cases.ts';
import { serviceHealth } from './service-health.ts';

const { now } = CASE_CLOCK;

describeCases(serviceHealth, serviceHealthCases);

describe('service-health', () => {
  const found = (objects: Parameters<typeof snapshotOf>[0]) =>
    evaluate([serviceHealth], snapshotOf(objects), { now }).findings.map((f) => [
      f.check,
      `${f.resource.kind}/${f.resource.name}`,
      f.evidence,
    ]);

  it('matches live Pods too: a selector on a label only the ReplicaSet adds', () => {
    const [live] = controllerChain(
      { ...pod('web-1-x'), metadata: { name: 'web-1-x', labels: { app: 'web', 'pod-template-hash': '1' } } },
      replicaSet('web-1'),
      deployment('web'),
    );
    const objects = [
      live,
      service('web-1', { 'pod-template-hash': '1' }),
      endpointSlice('web-1-a', 'web-1', [true]),
    ];
    expect(found(objects)).toEqual([]);
    expect(found([service('web-2', { 'pod-template-hash': '2' })]).map(([check]) => check)).toEqual([
      'service-health/selector-matches-nothing',
      'service-health/no-ready-endpoints',
    ]);
  });

  it('names the selected Pods and the slices without a ready endpoint', () => {
    const objects = [
      pod('api'),
      service('api', { app: 'api' }),
      endpointSlice('api-a', 'api', [false, false]),
    ];
    expect(found(objects)).toEqual([
      [
        'service-health/no-ready-endpoints',
        'Service/api',
        { selector: { app: 'api' }, pods: ['api'], endpointSlices: ['api-a'], endpoints: 2 },
      ],
    ]);
  });

  it('reads the port names of all containers, native sidecars and live Pods included', () => {
    const proxy = (portName: string) =>
      podSpec({
        initContainers: [
          container('proxy', { restartPolicy: 'Always', ports: [{ name: portName, containerPort: 9000 }] }),
        ],
      });
    const targeting = (name: string, ...targets: string[]) =>
      service(
        name,
        { app: name },
        { ports: targets.map((targetPort, index) => ({ port: 80 + index, targetPort })) },
      );
    expect(
      found([
        deployment('a', proxy('admin')),
        targeting('a', 'admin', 'web'),
        endpointSlice('a-1', 'a', [true]),
        pod('b', proxy('grpc')),
        targeting('b', 'grpc'),
        endpointSlice('b-1', 'b', [true]),
      ]),
    ).toEqual([
      ['service-health/named-target-port-missing', 'Service/a', { ports: [{ port: 81, targetPort: 'web' }] }],
    ]);
  });
});
