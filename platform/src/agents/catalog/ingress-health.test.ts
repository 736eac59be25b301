import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type KubeManifest, snapshotOf } from '../testing/case.ts';
import { service } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { ingressHealthCases } from './ingress-health.cases.ts';
import { ingressHealth } from './ingress-health.ts';

describeCases(ingressHealth, ingressHealthCases);

describe('ingress-health', () => {
  it('lists every missing Service and port once, and ignores resource backends', () => {
    const backend = (name: string, port: { number?: number; name?: string }) => ({
      path: `/${name}`,
      pathType: 'Prefix',
      backend: { service: { name, port } },
    });
    const ingress: KubeManifest = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop' },
      spec: {
        ingressClassName: 'nginx',
        defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'static' } },
        rules: [
          {
            http: {
              paths: [
                backend('cart', { number: 80 }),
                backend('cart', { number: 80 }),
                backend('web', { number: 8080 }),
                backend('web', { number: 80 }),
                backend('web', { name: 'admin' }),
              ],
            },
          },
        ],
      },
    };
    const { findings } = evaluate([ingressHealth], snapshotOf([ingress, service('web', { app: 'web' })]), {
      now: CASE_CLOCK.now,
    });
    expect(findings.map((f) => [f.check, f.evidence])).toEqual([
      ['ingress-health/backend-service-missing', { services: ['cart'] }],
      [
        'ingress-health/backend-port-missing',
        {
          backends: [
            { service: 'web', port: '8080' },
            { service: 'web', port: 'admin' },
          ],
        },
      ],
    ]);
  });
});
