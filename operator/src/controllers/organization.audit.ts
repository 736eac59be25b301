import type { OrganizationStatus } from '@guardian/crds/generated';
import { findCondition } from '../runtime/conditions.ts';

/** One audit entry the operator appends: what took effect, on what. */
export interface OperatorEvent {
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

const planOf = (message: string | undefined) => /^Plan (\S+) applied/.exec(message ?? '')?.[1];

/**
 * What took effect between two statuses of one organization, written once each: the status is
 * written only when it changes, so a resync (the same status again) yields nothing.
 */
export function statusTransitions(
  orgId: string,
  before: OrganizationStatus | undefined,
  after: OrganizationStatus,
): OperatorEvent[] {
  const was = (type: string) => findCondition(before?.conditions, type);
  const is = (type: string) => findCondition(after.conditions, type);
  const events: OperatorEvent[] = [];

  const quotaBefore = was('QuotaApplied');
  const quotaAfter = is('QuotaApplied');
  const from = planOf(quotaBefore?.message);
  const to = planOf(quotaAfter?.message);
  if (from && to && from !== to && quotaAfter?.status === 'True') {
    events.push({ action: 'quota.changed', target: orgId, detail: { from, to } });
  }

  const pruned = is('EnvironmentsPruned');
  if (pruned?.status === 'False' && pruned.message !== was('EnvironmentsPruned')?.message) {
    events.push({ action: 'environment.retained', target: orgId, detail: { reason: pruned.message } });
  }

  const suspended = is('Suspended')?.status === 'True';
  if (suspended !== (was('Suspended')?.status === 'True')) {
    const action = suspended ? 'organization.suspension.applied' : 'organization.suspension.lifted';
    if (suspended || before !== undefined) events.push({ action, target: orgId, detail: {} });
  }

  const scheduledAt = after.deletionScheduledAt;
  if (scheduledAt !== before?.deletionScheduledAt) {
    events.push(
      scheduledAt
        ? { action: 'organization.deletion.scheduled', target: orgId, detail: { scheduledAt } }
        : { action: 'organization.deletion.cancelled', target: orgId, detail: {} },
    );
  }
  return events;
}
