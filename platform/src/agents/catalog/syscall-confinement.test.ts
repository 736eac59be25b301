import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { syscallConfinementCases } from './syscall-confinement.cases.ts';
import { syscallConfinement } from './syscall-confinement.ts';

describeCases(syscallConfinement, syscallConfinementCases);

describe('syscall-confinement findings', () => {
  const spec = podSpec({
    securityContext: { seccompProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { role: 'system_r' } },
    containers: [
      container('app', { securityContext: { seLinuxOptions: { type: 'container_t' } } }),
      container('proxy'),
      container('cache', { securityContext: { seLinuxOptions: { type: '', user: '' } } }),
    ],
  });
  const findings = evaluate([syscallConfinement], snapshotOf([deployment('web', spec)]), {
    now: CASE_CLOCK.now,
  }).findings;

  it('read SELinux options as a whole: a container value replaces the pod value, empty strings are unset', () => {
    expect(findings.map((f) => [f.check, f.evidence])).toEqual([
      [
        'syscall-confinement/selinux-custom',
        { containers: [{ container: 'proxy', type: null, user: null, role: 'system_r' }] },
      ],
    ]);
  });
});
