import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { runAsNonRootCases } from './run-as-non-root.cases.ts';
import { runAsNonRoot } from './run-as-non-root.ts';

describeCases(runAsNonRoot, runAsNonRootCases);

describe('run-as-non-root/low-uid-gid', () => {
  it('shows the effective ids of each offending container, unset as null', () => {
    const spec = podSpec({
      securityContext: { runAsUser: 10001 },
      containers: [
        container('app', { securityContext: { runAsGroup: 10001 } }),
        container('proxy', { securityContext: { runAsUser: 101 } }),
      ],
    });
    const [finding] = evaluate([runAsNonRoot], snapshotOf([deployment('web', spec)]), {
      now: CASE_CLOCK.now,
    }).findings;
    expect(finding?.check).toBe('run-as-non-root/low-uid-gid');
    expect(finding?.evidence).toEqual({
      containers: [{ container: 'proxy', runAsUser: 101, runAsGroup: null }],
    });
  });
});
