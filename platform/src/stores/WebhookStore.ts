import type { Knex } from 'knex';
import type { EventType } from '../webhooks/events.ts';
import { withTenant } from './with-tenant.ts';

export interface WebhookEndpoint {
  id: string;
  orgId: string;
  url: string;
  description: string;
  events: EventType[];
  createdBy: string | null;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

/** The next delivery of an endpoint's queue, with what sending it needs. */
export interface QueuedDelivery {
  id: string;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  eventId: string;
  payload: Record<string, unknown>;
  url: string;
  secretSealed: string;
}

/** An endpoint's queue, leased by one worker of one replica. */
export interface Lease {
  endpointId: string;
  orgId: string;
  version: string;
}

interface EndpointRow {
  id: string;
  org_id: string;
  url: string;
  description: string;
  events: EventType[];
  secret_sealed: string;
  created_by: string | null;
  created_at: Date;
  disabled_at: Date | null;
  disabled_reason: string | null;
}

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  orgId: row.org_id,
  url: row.url,
  description: row.description,
  events: row.events,
  createdBy: row.created_by,
  createdAt: row.created_at,
  disabledAt: row.disabled_at,
  disabledReason: row.disabled_reason,
});

const DELIVERY_COLUMNS = [
  'd.id',
  'd.endpoint_id',
  'e.id as event_id',
  'e.type as event_type',
  'd.status',
  'd.attempts',
  'd.created_at',
  'd.next_attempt_at',
  'd.last_attempt_at',
  'd.last_status',
  'd.last_error',
  'd.delivered_at',
];

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
}

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: String(row.id),
  endpointId: row.endpoint_id,
  eventId: row.event_id,
  eventType: row.event_type,
  status: row.status,
  attempts: row.attempts,
  createdAt: row.created_at,
  nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
  lastAttemptAt: row.last_attempt_at,
  lastStatus: row.last_status,
  lastError: row.last_error,
  deliveredAt: row.delivered_at,
});

/** A transaction that may read and lease every organization's dispatch rows (and nothing else). */
function asWorker<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await trx.raw("select set_config('guardian.webhook_worker', 'on', true)");
    return fn(trx);
  });
}

/** Webhook endpoints, the outbox's deliveries and their dispatch; all SQL of webhooks but emitting. */
export class WebhookStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /**
   * Stores an endpoint and its (idle) dispatch row unless the organization has `limit` endpoints
   * already: undefined then. Creations in one organization are serialized, so the limit holds.
   */
  create(
    orgId: string,
    endpoint: {
      url: string;
      description: string;
      events: EventType[];
      secretSealed: (id: string) => string;
      createdBy: string | null;
    },
    limit: number,
  ): Promise<WebhookEndpoint | undefined> {
    return withTenant(this.db, { orgId }, async (trx) => {
      await trx.raw("select pg_advisory_xact_lock(hashtext('webhook_endpoints:' || ?))", [orgId]);
      const [{ count } = { count: 0 }] = await trx('webhook_endpoints')
        .where({ org_id: orgId })
        .count<Array<{ count: number }>>({ count: '*' });
      if (Number(count) >= limit) return undefined;
      const [{ id } = { id: '' }] = await trx
        .raw('select gen_random_uuid()::text as id')
        .then((result: { rows: Array<{ id: string }> }) => result.rows);
      const [row] = await trx<EndpointRow>('webhook_endpoints')
        .insert({
          id,
          org_id: orgId,
          url: endpoint.url,
          description: endpoint.description,
          events: endpoint.events,
          secret_sealed: endpoint.secretSealed(id),
          created_by: endpoint.createdBy,
        })
        .returning('*');
      if (!row) throw new Error('Could not store the webhook endpoint');
      await trx('webhook_dispatch').insert({ endpoint_id: id, org_id: orgId });
      return toEndpoint(row as EndpointRow);
    });
  }

  list(orgId: string): Promise<WebhookEndpoint[]> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const rows = await trx<EndpointRow>('webhook_endpoints').where({ org_id: orgId }).orderBy('created_at');
      return rows.map(toEndpoint);
    });
  }

  get(orgId: string, id: string): Promise<WebhookEndpoint | undefined> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const row = await trx<EndpointRow>('webhook_endpoints').where({ org_id: orgId, id }).first();
      return row ? toEndpoint(row) : undefined;
    });
  }

  /** Deletes an endpoint with its queue and log; false when there was none. */
  delete(orgId: string, id: string): Promise<boolean> {
    return withTenant(this.db, { orgId }, async (trx) => {
      return (await trx('webhook_endpoints').where({ org_id: orgId, id }).delete()) > 0;
    });
  }

  /** The endpoint's deliveries, newest first, before the delivery id `before`. */
  deliveries(orgId: string, endpointId: string, limit: number, before?: string): Promise<WebhookDelivery[]> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const query = trx('webhook_deliveries as d')
        .join('webhook_events as e', 'e.seq', 'd.event_seq')
        .where({ 'd.org_id': orgId, 'd.endpoint_id': endpointId })
        .select(DELIVERY_COLUMNS)
        .orderBy('d.id', 'desc')
        .limit(limit);
      if (before !== undefined) query.andWhere('d.id', '<', before);
      return (await query).map((row: DeliveryRow) => toDelivery(row));
    });
  }

  /**
   * Queues a delivery again from now (a fresh retry window), in its event's place in the
   * endpoint's order, and wakes the queue. Undefined when there is no such delivery.
   */
  redeliver(
    orgId: string,
    endpointId: string,
    deliveryId: string,
    now: Date,
  ): Promise<WebhookDelivery | undefined> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const updated = await trx('webhook_deliveries')
        .where({ org_id: orgId, endpoint_id: endpointId, id: deliveryId })
        .update({ status: 'pending', attempts: 0, created_at: now, next_attempt_at: now, delivered_at: null })
        .returning('id');
      if (updated.length === 0) return undefined;
      await trx('webhook_dispatch')
        .where({ org_id: orgId, endpoint_id: endpointId })
        .update({ due_at: trx.raw('least(due_at, ?)', [now]), version: trx.raw('version + 1') });
      const row = await trx('webhook_deliveries as d')
        .join('webhook_events as e', 'e.seq', 'd.event_seq')
        .where({ 'd.org_id': orgId, 'd.id': deliveryId })
        .select(DELIVERY_COLUMNS)
        .first();
      return toDelivery(row as DeliveryRow);
    });
  }

  // --- The delivery worker ----------------------------------------------------------------------

  /** Leases the endpoint queue that is due longest, of any organization, that no one holds. */
  claim(now: Date, leaseMs: number): Promise<Lease | undefined> {
    return asWorker(this.db, async (trx) => {
      const { rows } = await trx.raw(
        `UPDATE webhook_dispatch SET leased_until = ?
          WHERE endpoint_id = (SELECT endpoint_id FROM webhook_dispatch
                                WHERE due_at <= ? AND (leased_until IS NULL OR leased_until < ?)
                                ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING endpoint_id, org_id, version::text`,
        [new Date(now.getTime() + leaseMs), now, now],
      );
      const row = (rows as Array<{ endpoint_id: string; org_id: string; version: string }>)[0];
      return row ? { endpointId: row.endpoint_id, orgId: row.org_id, version: row.version } : undefined;
    });
  }

  /** Extends a lease the worker still holds. */
  async extend(lease: Lease, until: Date): Promise<void> {
    await withTenant(this.db, { orgId: lease.orgId }, (trx) =>
      trx('webhook_dispatch')
        .where({ org_id: lease.orgId, endpoint_id: lease.endpointId })
        .update({ leased_until: until }),
    );
  }

  /**
   * Gives the lease back with the queue due at `due` (undefined: idle), or at once when an event
   * or a redelivery arrived since the lease was taken (its version moved).
   */
  async release(lease: Lease, due: Date | undefined, now: Date): Promise<void> {
    await withTenant(this.db, { orgId: lease.orgId }, (trx) =>
      trx.raw(
        `UPDATE webhook_dispatch
            SET leased_until = NULL,
                due_at = CASE WHEN version = ?::bigint THEN coalesce(?::timestamptz, 'infinity') ELSE ?::timestamptz END
          WHERE org_id = ? AND endpoint_id = ?`,
        [lease.version, due ?? null, now, lease.orgId, lease.endpointId],
      ),
    );
  }

  /** The oldest pending delivery of an enabled endpoint's queue (in event order). */
  head(lease: Lease): Promise<QueuedDelivery | undefined> {
    return withTenant(this.db, { orgId: lease.orgId }, async (trx) => {
      const row = await trx('webhook_deliveries as d')
        .join('webhook_events as e', 'e.seq', 'd.event_seq')
        .join('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
        .where({ 'd.org_id': lease.orgId, 'd.endpoint_id': lease.endpointId, 'd.status': 'pending' })
        .whereNull('w.disabled_at')
        .orderBy('d.event_seq')
        .select(
          'd.id',
          'd.created_at',
          'd.attempts',
          'd.next_attempt_at',
          'e.id as event_id',
          'e.payload',
          'w.url',
          'w.secret_sealed',
        )
        .first();
      if (!row) return undefined;
      return {
        id: String(row.id),
        createdAt: row.created_at,
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        eventId: row.event_id,
        payload: row.payload,
        url: row.url,
        secretSealed: row.secret_sealed,
      };
    });
  }

  /** Records an attempt: delivered, to be retried at `retryAt`, or failed for good. */
  async recordAttempt(
    lease: Lease,
    deliveryId: string,
    at: Date,
    outcome: { status: DeliveryStatus; httpStatus: number | null; error: string | null; retryAt?: Date },
  ): Promise<void> {
    await withTenant(this.db, { orgId: lease.orgId }, (trx) =>
      trx('webhook_deliveries')
        .where({ org_id: lease.orgId, endpoint_id: lease.endpointId, id: deliveryId })
        .update({
          status: outcome.status,
          attempts: trx.raw('attempts + 1'),
          last_attempt_at: at,
          last_status: outcome.httpStatus,
          last_error: outcome.error,
          ...(outcome.status === 'delivered' ? { delivered_at: at } : {}),
          ...(outcome.retryAt ? { next_attempt_at: outcome.retryAt } : {}),
        }),
    );
  }

  /** Disables an endpoint; false when it was already disabled (or is gone). */
  disable(orgId: string, endpointId: string, reason: string, at: Date): Promise<boolean> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const count = await trx('webhook_endpoints')
        .where({ org_id: orgId, id: endpointId })
        .whereNull('disabled_at')
        .update({ disabled_at: at, disabled_reason: reason });
      return count > 0;
    });
  }
}
