import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, DEFAULT_SERVICE_ACCOUNT, snapshotOf } from '../testing/case.ts';
import { deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { serviceAccountTokensCases } from './service-account-tokens.cases.ts';
import { serviceAccountTokens } from './service-account-tokens.ts';

describeCases(serviceAccountTokens, serviceAccountTokensCases);

describe('service-account-tokens', () => {
  const checks = (objects: Parameters<typeof snapshotOf>[0]) =>
    evaluate([serviceAccountTokens], snapshotOf(objects), { now: CASE_CLOCK.now }).findings.map(
      (f) => f.check,
    );

  it("reads the ServiceAccount default's own setting", () => {
    const web = deployment('web');
    const quiet = { ...DEFAULT_SERVICE_ACCOUNT, automountServiceAccountToken: false };
    expect(checks([web])).toEqual([
      'service-account-tokens/automount-enabled',
      'service-account-tokens/default-service-account',
    ]);
    expect(checks([web, quiet])).toEqual(['service-account-tokens/default-service-account']);
  });

  it('says why a token is mounted', () => {
    const [finding] = evaluate(
      [serviceAccountTokens],
      snapshotOf([deployment('web', podSpec({ serviceAccountName: 'web' }))]),
      { now: CASE_CLOCK.now },
    ).findings;
    expect(finding?.message).toBe(
      'Deployment web mounts an API token of ServiceAccount web into its Pods (ServiceAccount web does not exist).',
    );
    expect(finding?.evidence).toEqual({
      serviceAccount: 'web',
      podAutomount: null,
      serviceAccountAutomount: null,
    });
  });
});
