import type { HttpProblem } from '../../http/errors.ts';
import type { AppContext } from '../../http/state.ts';
import { auditActor } from '../../services/actor.ts';
import type { AuditEvent } from '../AuditLog.ts';

/** Builds the audit events of one route's outcome (none, one or several); `failed` is its error. */
export type Recorder = (
  ctx: AppContext,
  failed: HttpProblem | undefined,
) => Promise<AuditEvent | AuditEvent[] | undefined> | AuditEvent | AuditEvent[] | undefined;

/** Recorders by `METHOD /route/{template}`. */
export type Recorders = Record<string, Recorder>;

/** The validated JSON body the request sent (routes refuse any other before they succeed). */
export function requestBody(ctx: AppContext): Record<string, unknown> {
  const body = ctx.request.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** The response body, read as a record of what the contract promises. */
export function responseBody(ctx: AppContext): Record<string, unknown> {
  const body = ctx.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** `{field: {from, to}}` for each field the request set, `from` as the route reported it. */
export function changes(ctx: AppContext): Record<string, { from: unknown; to: unknown }> {
  const before = ctx.state.outcome?.before ?? {};
  return Object.fromEntries(
    Object.entries(requestBody(ctx)).map(([field, to]) => [field, { from: before[field] ?? null, to }]),
  );
}

export type Fact = Omit<AuditEvent, 'orgId' | 'actor'>;

/** An event by the caller, in `orgId` (default: the request's organization; none without one). */
export function byCaller(
  ctx: AppContext,
  event: Fact,
  orgId = ctx.state.auth?.orgId,
): AuditEvent | undefined {
  const auth = ctx.state.auth;
  return auth && orgId ? { orgId, actor: auditActor(auth), ...event } : undefined;
}

/**
 * An attempt refused for want of permission (403), as `action`: who tried what is as telling as
 * who did it. Other failures (invalid input, not found, conflicts) are not recorded.
 */
export function refusal(
  ctx: AppContext,
  failed: HttpProblem,
  event: Fact,
  orgId = ctx.state.auth?.orgId,
): AuditEvent | undefined {
  if (failed.status !== 403) return undefined;
  return byCaller(ctx, { ...event, detail: { ...event.detail, status: 403, reason: failed.detail } }, orgId);
}
