import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, controllerChain, deployment, pod, podSpec, replicaSet } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { privilegedContainersCases } from './privileged-containers.cases.ts';
import { privilegedContainers } from './privileged-containers.ts';

const { now } = CASE_CLOCK;

describeCases(privilegedContainers, privilegedContainersCases);

describe('privileged-containers on live Pods', () => {
  // Ephemeral containers exist only on live Pods, which a manifest cannot create: no case row.
  const debugged = (securityContext: { privileged?: boolean; allowPrivilegeEscalation?: boolean }) =>
    controllerChain(
      pod(
        'web-1-x',
        podSpec({ ephemeralContainers: [{ name: 'debugger', image: 'busybox', securityContext }] }),
      ),
      replicaSet('web-1'),
      deployment(
        'web',
        podSpec({ containers: [container('app', { securityContext: { allowPrivilegeEscalation: false } })] }),
      ),
    );

  it('counts a privileged ephemeral container, on the top-level owner', () => {
    const { findings } = evaluate([privilegedContainers], snapshotOf(debugged({ privileged: true })), {
      now,
    });
    expect(findings.map((f) => [f.check, f.resource.kind, f.resource.name, f.evidence])).toEqual([
      ['privileged-containers/privileged', 'Deployment', 'web', { containers: ['debugger'] }],
      ['privileged-containers/allow-privilege-escalation', 'Deployment', 'web', { containers: ['debugger'] }],
    ]);
    expect(findings[0]?.remediation).toContain('delete the Pods that have them (web-1-x)');
  });

  it('finds nothing when the ephemeral container is not privileged and forbids escalation', () => {
    const objects = debugged({ privileged: false, allowPrivilegeEscalation: false });
    expect(evaluate([privilegedContainers], snapshotOf(objects), { now }).findings).toEqual([]);
  });

  it('says which containers to change, under the pod template', () => {
    const [finding] = evaluate(
      [privilegedContainers],
      snapshotOf([
        deployment(
          'api',
          podSpec({
            initContainers: [container('setup', { securityContext: { privileged: true } })],
            containers: [container('app', { securityContext: { privileged: true } })],
          }),
        ),
      ]),
      { now },
    ).findings;
    expect(finding?.message).toBe('Deployment api runs privileged containers: setup, app.');
    expect(finding?.remediation).toBe(
      [
        'Remove securityContext.privileged or set it to false; grant single capabilities if one is needed.',
        'spec:',
        '  template:',
        '    spec:',
        '      initContainers:',
        '        - name: setup',
        '          securityContext:',
        '            privileged: false',
        '      containers:',
        '        - name: app',
        '          securityContext:',
        '            privileged: false',
      ].join('\n'),
    );
  });
});
