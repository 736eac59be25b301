import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * The events an endpoint may subscribe to. `quota.threshold` arrives with the quota thresholds of
 * Analytics; `finding.opened` and the workflow events with their emitters.
 */
export const EVENT_TYPES = [
  'member.joined',
  'workflow.awaiting_approval',
  'workflow.finished',
  'finding.opened',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface WebhookEvent {
  type: EventType;
  /** Makes the emission once-only: the same change observed twice (a retry, a replica) is one event. */
  key: string;
  data: Record<string, unknown>;
}

/**
 * Puts an event in the organization's outbox and a delivery in the queue of every enabled endpoint
 * subscribed to it, inside `trx`, the caller's transaction in the platform database (withTenant
 * of `orgId`), so the event exists exactly when the change does. A key already emitted is ignored.
 * Returns whether the event is new.
 */
export async function emitEvent(
  trx: Knex.Transaction,
  orgId: string,
  event: WebhookEvent,
  at = new Date(),
): Promise<boolean> {
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const payload = { type: event.type, timestamp: at.toISOString(), data: event.data };
  const inserted: Array<{ seq: string }> = await trx('webhook_events')
    .insert({ id, org_id: orgId, type: event.type, idempotency_key: event.key, payload, created_at: at })
    .onConflict(['org_id', 'idempotency_key'])
    .ignore()
    .returning('seq');
  const seq = inserted[0]?.seq;
  if (seq === undefined) return false;
  const endpoints: Array<{ endpoint_id: string }> = await trx
    .raw(
      `INSERT INTO webhook_deliveries (org_id, endpoint_id, event_seq, next_attempt_at, created_at)
       SELECT org_id, id, ?, ?, ? FROM webhook_endpoints
        WHERE org_id = ? AND disabled_at IS NULL AND ? = ANY (events)
     RETURNING endpoint_id`,
      [seq, at, at, orgId, event.type],
    )
    .then((result: { rows: Array<{ endpoint_id: string }> }) => result.rows);
  if (endpoints.length > 0) {
    // Wakes each endpoint's queue; the version tells a worker holding its lease that work arrived.
    await trx.raw(
      `UPDATE webhook_dispatch SET due_at = least(due_at, ?), version = version + 1
        WHERE endpoint_id IN (SELECT endpoint_id FROM webhook_dispatch WHERE org_id = ? AND endpoint_id = ANY (?::uuid[])
                               ORDER BY endpoint_id FOR UPDATE)`,
      [at, orgId, endpoints.map((row) => row.endpoint_id)],
    );
  }
  return true;
}
