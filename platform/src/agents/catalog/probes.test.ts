import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { probesCases } from './probes.cases.ts';
import { probes, probeTarget } from './probes.ts';

describeCases(probes, probesCases);

describe('probes/identical-probes', () => {
  const app = container('app', { ports: [{ name: 'http', containerPort: 8080 }] });

  it('resolves port names through the container, and defaults the path to /', () => {
    expect(probeTarget({ httpGet: { port: 'http' } }, app)).toBe('httpGet / on port 8080');
    expect(probeTarget({ httpGet: { path: '/', port: 8080 } }, app)).toBe('httpGet / on port 8080');
    expect(probeTarget({ tcpSocket: { port: 'metrics' } }, app)).toBe('tcpSocket on port metrics');
    expect(probeTarget({ grpc: { port: 9000 } }, app)).toBe('grpc on port 9000, service ""');
    expect(probeTarget({ periodSeconds: 5 }, app)).toBeUndefined();
  });

  it('ignores timing, and names each container with the shared check', () => {
    const spec = podSpec({
      containers: [
        {
          ...app,
          readinessProbe: { httpGet: { port: 'http' }, periodSeconds: 5 },
          livenessProbe: { httpGet: { port: 8080 }, failureThreshold: 10 },
        },
        container('worker', {
          readinessProbe: { exec: { command: ['ready'] } },
          livenessProbe: { exec: { command: ['alive'] } },
        }),
      ],
    });
    const finding = evaluate([probes], snapshotOf([deployment('web', spec)]), {
      now: CASE_CLOCK.now,
    }).findings.find((f) => f.check === 'probes/identical-probes');
    expect(finding?.evidence).toEqual({ containers: [{ name: 'app', probe: 'httpGet / on port 8080' }] });
    expect(finding?.message).toContain(
      'Deployment web has containers whose liveness probe is its readiness probe',
    );
  });
});
