import type { Organization } from '@guardian/crds/generated';

/** The default grace period of a deletion requested through the API: seven days. */
export const DEFAULT_DELETION_GRACE_SECONDS = 7 * 24 * 60 * 60;

/** Longest wait the queue is asked for at once; a later reconcile asks again (timers cap at ~24 days). */
const MAX_WAIT_MS = 24 * 60 * 60 * 1000;

export type PendingDeletion =
  | { pending: false }
  | { pending: true; scheduledAt: Date; due: boolean; waitMs: number };

/**
 * When a deletion requested through the API (spec.deletion) takes effect: the request's time plus
 * the grace period. Pure: the caller passes the clock's `now`.
 */
export function pendingDeletion(org: Organization, graceMs: number, now: number): PendingDeletion {
  const requestedAt = org.spec.deletion?.requestedAt;
  if (requestedAt === undefined) return { pending: false };
  const requested = Date.parse(requestedAt);
  // The CRD's schema admits only date-times; an unparsable one counts from now, never as overdue.
  const scheduled = Number.isNaN(requested) ? now + graceMs : requested + graceMs;
  const remaining = scheduled - now;
  return {
    pending: true,
    scheduledAt: new Date(scheduled),
    due: remaining <= 0,
    waitMs: Math.min(Math.max(remaining, 0), MAX_WAIT_MS),
  };
}
