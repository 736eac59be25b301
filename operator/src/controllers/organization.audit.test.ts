import type { OrganizationStatus } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { statusTransitions } from './organization.audit.ts';

const at = '2026-01-01T00:00:00Z';
const status = (
  conditions: Record<string, [string, string]>,
  more: Partial<OrganizationStatus> = {},
): OrganizationStatus => ({
  ...more,
  conditions: Object.entries(conditions).map(([type, [state, message]]) => ({
    type,
    status: state as 'True' | 'False',
    reason: 'R',
    message,
    lastTransitionTime: at,
  })),
});
type Conditions = Record<string, [string, string]>;
const base: Conditions = {
  QuotaApplied: ['True', 'Plan starter applied to every workload namespace'],
  EnvironmentsPruned: ['True', 'No namespace of a removed environment remains'],
  Suspended: ['False', 'The organization is active'],
};
const actions = (before: OrganizationStatus | undefined, after: OrganizationStatus) =>
  statusTransitions('acme', before, after).map((e) => [e.action, e.detail]);

describe('statusTransitions', () => {
  it('records nothing for the same status (a resync) nor for a first status of an active organization', () => {
    expect(actions(status(base), status(base))).toEqual([]);
    expect(actions(undefined, status(base))).toEqual([]);
  });

  it('records a plan change, a retained environment, suspension and its end, a deletion scheduled and cancelled', () => {
    const professional: Conditions = {
      ...base,
      QuotaApplied: ['True', 'Plan professional applied to every workload namespace'],
    };
    expect(actions(status(base), status(professional))).toEqual([
      ['quota.changed', { from: 'starter', to: 'professional' }],
    ]);
    const kept: Conditions = {
      ...base,
      EnvironmentsPruned: ['False', 'org-acme--qa kept: it holds 1 configmaps'],
    };
    expect(actions(status(base), status(kept))).toEqual([
      ['environment.retained', { reason: 'org-acme--qa kept: it holds 1 configmaps' }],
    ]);
    expect(actions(status(kept), status(kept))).toEqual([]);
    const suspended: Conditions = {
      ...base,
      Suspended: ['True', 'Logins, API calls and workflows are refused'],
    };
    expect(actions(status(base), status(suspended))).toEqual([['organization.suspension.applied', {}]]);
    expect(actions(status(suspended), status(base))).toEqual([['organization.suspension.lifted', {}]]);
    const scheduledAt = '2026-01-08T00:00:00.000Z';
    const pending = status(base, { deletionScheduledAt: scheduledAt });
    expect(actions(status(base), pending)).toEqual([['organization.deletion.scheduled', { scheduledAt }]]);
    expect(actions(pending, status(base))).toEqual([['organization.deletion.cancelled', {}]]);
  });
});
