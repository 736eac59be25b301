import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * Webhooks: endpoints (secret sealed with GUARDIAN_ENCRYPTION_KEY: signing needs it back), the
 * outbox of events (unique per organization by idempotency key, written in the transaction of the
 * change where the change is in this database), one delivery per event and endpoint, and a
 * content-free dispatch row per endpoint that replicas claim with FOR UPDATE SKIP LOCKED. The
 * dispatch rows are the one thing the delivery worker reads across organizations
 * (guardian.webhook_worker = 'on'); everything else stays behind the org's row level security.
 */
export const webhooks: Migration = {
  name: '0107_webhooks',
  async up(db) {
    await db.raw(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id text NOT NULL,
        url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
        description text NOT NULL DEFAULT '',
        events text[] NOT NULL,
        secret_sealed text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        disabled_reason text
      )`);
    await db.raw('CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, created_at)');
    await db.raw(`
      CREATE TABLE webhook_events (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        org_id text NOT NULL,
        type text NOT NULL,
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 512),
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, idempotency_key)
      )`);
    await db.raw(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_seq bigint NOT NULL REFERENCES webhook_events (seq) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        last_status integer,
        last_error text,
        delivered_at timestamptz,
        UNIQUE (endpoint_id, event_seq)
      )`);
    await db.raw(
      `CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, event_seq) WHERE status = 'pending'`,
    );
    await db.raw('CREATE INDEX webhook_deliveries_log ON webhook_deliveries (org_id, endpoint_id, id DESC)');
    await db.raw(`
      CREATE TABLE webhook_dispatch (
        endpoint_id uuid PRIMARY KEY REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        org_id text NOT NULL,
        due_at timestamptz NOT NULL DEFAULT 'infinity',
        version bigint NOT NULL DEFAULT 0,
        leased_until timestamptz
      )`);
    await db.raw('CREATE INDEX webhook_dispatch_due ON webhook_dispatch (due_at)');
    for (const table of ['webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_dispatch'])
      await rowsOfOrganization(db, table);
    await db.raw(`
      CREATE POLICY webhook_dispatch_worker ON webhook_dispatch
        USING (current_setting('guardian.webhook_worker', true) = 'on')`);
  },
  async down(db) {
    for (const table of ['webhook_dispatch', 'webhook_deliveries', 'webhook_events', 'webhook_endpoints']) {
      await db.raw('DROP TABLE IF EXISTS ??', [table]);
    }
  },
};
