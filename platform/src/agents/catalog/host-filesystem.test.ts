import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { hostFilesystemCases } from './host-filesystem.cases.ts';
import { hostFilesystem } from './host-filesystem.ts';

describeCases(hostFilesystem, hostFilesystemCases);

describe('host-filesystem findings', () => {
  const spec = podSpec({
    volumes: [
      { name: 'sock', hostPath: { path: '/run/crio/crio.sock' } },
      { name: 'logs', hostPath: { path: '/var/log' } },
      { name: 'scratch', emptyDir: {} },
    ],
    containers: [
      container('app', {
        volumeMounts: [
          { name: 'sock', mountPath: '/crio.sock' },
          { name: 'logs', mountPath: '/logs', readOnly: true },
          { name: 'scratch', mountPath: '/scratch' },
        ],
      }),
      container('reader', { volumeMounts: [{ name: 'logs', mountPath: '/logs', readOnly: true }] }),
    ],
  });
  const findings = evaluate([hostFilesystem], snapshotOf([deployment('agent', spec)]), {
    now: CASE_CLOCK.now,
  }).findings;
  const of = (check: string) => findings.find((f) => f.check === `host-filesystem/${check}`);

  it('name the volumes and paths, and only the writable mounts of hostPath volumes', () => {
    expect(of('host-path-volume')?.evidence).toEqual({
      volumes: [
        { name: 'sock', path: '/run/crio/crio.sock' },
        { name: 'logs', path: '/var/log' },
      ],
    });
    expect(of('host-path-writable')?.evidence).toEqual({
      mounts: [{ container: 'app', volume: 'sock', mountPath: '/crio.sock' }],
    });
    expect(of('container-runtime-socket')?.evidence).toEqual({
      volumes: [{ name: 'sock', path: '/run/crio/crio.sock' }],
    });
    expect(of('container-runtime-socket')?.message).toBe(
      "Deployment agent mounts the node's container runtime socket (or its directory): sock (/run/crio/crio.sock).",
    );
  });
});
