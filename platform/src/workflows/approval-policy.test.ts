import { describe, expect, it } from 'vitest';
import {
  approvalPolicy,
  DEFAULT_APPROVAL_POLICY,
  gateFor,
  loosening,
  type OrganizationApprovals,
} from './approval-policy.ts';
import { RISKS } from './vocabulary.ts';

const floor = approvalPolicy(undefined);

describe('the default approval policy (DESIGN.md)', () => {
  it.each([
    ['low', 'staging', { auto: true }],
    ['low', 'production', { auto: true }],
    ['medium', 'staging', { auto: true }],
    ['medium', 'production', { auto: false, approvers: 1, role: 'team_lead' }],
    ['high', 'staging', { auto: false, approvers: 1, role: 'team_lead' }],
    ['high', 'production', { auto: false, approvers: 1, role: 'org_admin' }],
    ['critical', 'staging', { auto: false, approvers: 2, role: 'org_admin' }],
    ['critical', 'production', { auto: false, approvers: 2, role: 'org_admin' }],
  ] as const)('a %s gate in %s', (risk, environment, expected) => {
    expect(gateFor(floor, risk, environment)).toMatchObject({
      ...expected,
      production: environment === 'production',
    });
  });

  it('expires gates after 24 h and says why a gate passes or waits', () => {
    expect(gateFor(floor, 'high', 'production')).toMatchObject({ timeoutMs: 86_400_000 });
    expect(gateFor(floor, 'medium', 'staging').reason).toMatch(
      /medium-risk gate outside production .* on its own/,
    );
    expect(gateFor(floor, 'critical', 'staging').reason).toMatch(/2 distinct approvers, at least org_admin/);
  });
});

describe('an organization’s spec.approvals', () => {
  it('tightens: more production environments, stricter risks, another timeout', () => {
    const policy = approvalPolicy({
      productionEnvironments: ['production', 'staging'],
      timeout: '2h',
      risks: {
        low: { inProduction: { approvers: 1, role: 'team_lead' } },
        high: { outsideProduction: { approvers: 2, role: 'org_owner' } },
      },
    });
    expect(gateFor(policy, 'medium', 'staging')).toMatchObject({ auto: false, production: true });
    expect(gateFor(policy, 'low', 'production')).toMatchObject({
      auto: false,
      approvers: 1,
      timeoutMs: 7_200_000,
    });
    expect(gateFor(policy, 'low', 'dev')).toMatchObject({ auto: true });
    expect(gateFor(policy, 'high', 'dev')).toMatchObject({ approvers: 2, role: 'org_owner' });
    // What it does not name stays at the floor.
    expect(gateFor(policy, 'critical', 'dev')).toMatchObject({ approvers: 2, role: 'org_admin' });
  });

  it('never loosens below the floor, even if the CRD’s rules were bypassed', () => {
    const policy = approvalPolicy({
      risks: {
        medium: { inProduction: { approvers: 0 } },
        critical: { inProduction: { approvers: 1, role: 'team_lead' } },
        high: { inProduction: { approvers: 3, role: 'team_lead' } },
      },
    });
    expect(policy.risks).toEqual({
      ...DEFAULT_APPROVAL_POLICY,
      high: { ...DEFAULT_APPROVAL_POLICY.high, inProduction: { approvers: 3, role: 'org_admin' } },
    });
  });

  it('calls loosening what the CRD refuses, and tightening what it admits', () => {
    for (const risk of RISKS) {
      for (const where of ['outsideProduction', 'inProduction'] as const) {
        const base = DEFAULT_APPROVAL_POLICY[risk][where];
        expect(loosening(base, base)).toBeUndefined();
        expect(loosening({ approvers: base.approvers + 1, role: 'org_owner' }, base)).toBeUndefined();
        if (base.approvers > 0) {
          expect(loosening({ ...base, approvers: base.approvers - 1 }, base)).toMatch(/at least/);
          if (base.role === 'org_admin')
            expect(loosening({ ...base, role: 'team_lead' }, base)).toMatch(/role|least/);
        }
      }
    }
  });
});

// The Organization CRD's spec.approvals is what this module reads: a change to either fails the typecheck.
type CrdApprovals = import('@guardian/crds/generated').OrganizationApprovals;
export const crdApprovalsFit = (approvals: CrdApprovals): OrganizationApprovals => approvals;
