import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { podSecurityStandardsCases } from './pod-security-standards.cases.ts';
import { podSecurityStandards } from './pod-security-standards.ts';

describeCases(podSecurityStandards, podSecurityStandardsCases);

describe('pod-security-standards findings', () => {
  it('list every violation, baseline ones under restricted too', () => {
    const spec = podSpec({
      hostPID: true,
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
      containers: [
        container('app', { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }),
        container('proxy', {
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        }),
      ],
    });
    const findings = evaluate([podSecurityStandards], snapshotOf([deployment('node-agent', spec)]), {
      now: CASE_CLOCK.now,
    }).findings;
    const baseline = [
      'Host Namespaces: hostPID',
      'Capabilities: capabilities.add beyond the baseline set (app)',
      'HostPath Volumes: host',
    ];
    expect(findings.map((f) => [f.check, f.message, f.evidence])).toEqual([
      [
        'pod-security-standards/baseline-violation',
        'Deployment node-agent would be rejected by Pod Security baseline: Host Namespaces, Capabilities, HostPath Volumes.',
        { violations: baseline },
      ],
      [
        'pod-security-standards/restricted-violation',
        'Deployment node-agent would be rejected by Pod Security restricted: Host Namespaces, Capabilities, HostPath Volumes, Volume Types, Privilege Escalation, Running as Non-root, Seccomp.',
        {
          violations: [
            ...baseline,
            'Volume Types: host (hostPath)',
            'Privilege Escalation: allowPrivilegeEscalation not false (app)',
            'Running as Non-root: runAsNonRoot not true (app, proxy)',
            'Seccomp: seccompProfile not RuntimeDefault or Localhost (app, proxy)',
            'Capabilities: capabilities.drop lacks ALL (app)',
            'Capabilities: capabilities.add beyond NET_BIND_SERVICE (app)',
          ],
        },
      ],
    ]);
  });
});
