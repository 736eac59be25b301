import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { controllerChain, deployment, IMAGE, pod, podSpec, replicaSet } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { podRuntimeCases } from './pod-runtime.cases.ts';
import { podRuntime } from './pod-runtime.ts';

describeCases(podRuntime, podRuntimeCases);

describe('pod-runtime on controller-made Pods', () => {
  const crashing = (restartCount: number) => ({
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        image: IMAGE,
        imageID: '',
        ready: false,
        restartCount,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    ],
  });

  it('reports every crashing Pod of a Deployment once, on the Deployment', () => {
    const [a, rs, d] = controllerChain(
      pod('web-1-a', podSpec(), crashing(2)),
      replicaSet('web-1'),
      deployment('web'),
    );
    const [b] = controllerChain(pod('web-1-b', podSpec(), crashing(6)), rs);
    const findings = evaluate([podRuntime], snapshotOf([a, b, rs, d]), { now: CASE_CLOCK.now }).findings;
    expect(findings.map((f) => [f.check, `${f.resource.kind}/${f.resource.name}`, f.evidence])).toEqual([
      [
        'pod-runtime/crash-looping',
        'Deployment/web',
        {
          containers: [
            { pod: 'web-1-a', container: 'app', reason: 'CrashLoopBackOff' },
            { pod: 'web-1-b', container: 'app', reason: 'CrashLoopBackOff' },
          ],
        },
      ],
      [
        'pod-runtime/frequent-restarts',
        'Deployment/web',
        { containers: [{ pod: 'web-1-b', container: 'app', reason: '6 restarts' }] },
      ],
    ]);
    expect(findings[0]?.message).toBe(
      'Deployment web has containers that keep crashing: web-1-a/app (CrashLoopBackOff), web-1-b/app (CrashLoopBackOff).',
    );
    expect(findings[0]?.remediation).toContain('kubectl -n agent-cases logs web-1-a -c app --previous');
  });
});
