import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { describeCases } from '../testing/run-cases.ts';
import { cisPoliciesCases } from './cis-policies.cases.ts';
import { cisPolicies } from './cis-policies.ts';

describeCases(cisPolicies, cisPoliciesCases);

describe('cis-policies findings', () => {
  it('are on the ServiceAccount default and on the Namespace', () => {
    const { findings } = evaluate([cisPolicies], snapshotOf([]), { now: CASE_CLOCK.now });
    expect(findings.map((f) => [f.check, f.resource, f.message])).toEqual([
      [
        'cis-policies/default-sa-automount',
        { kind: 'ServiceAccount', namespace: 'agent-cases', name: 'default' },
        'ServiceAccount default does not set automountServiceAccountToken: false, so every Pod that runs as it gets an API token.',
      ],
      [
        'cis-policies/namespace-without-networkpolicy',
        { kind: 'Namespace', namespace: null, name: 'agent-cases' },
        'Namespace agent-cases has no NetworkPolicy: every Pod in it accepts traffic from anywhere and sends it anywhere.',
      ],
    ]);
  });
});
