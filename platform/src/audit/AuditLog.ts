import type { Clock } from '@guardian/kube/clock';
import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { CHECKPOINT_EVERY, ENTRY_HASH_SQL, GENESIS, signCheckpoint, signHead } from './hash.ts';

/** The chain for events that belong to no organization (e.g. a failed login that named none). */
export const INSTANCE_CHAIN = '_instance';

export interface AuditEvent {
  orgId: string;
  /** Who: a user id, `apikey:<id>`, `system`, or `anonymous`. */
  actor: string;
  /** What, dotted: `auth.login.success`, `ratelimit.exceeded`, ... */
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  /**
   * Makes the append once-only: a second append with the same key (a step the operator repeats
   * after a crash) returns the entry the first made and writes nothing.
   */
  key?: string;
}

export interface AuditEntry {
  orgId: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  since?: Date;
  until?: Date;
  /** Entries with a smaller seq than this (the previous page's `next_before`). */
  before?: number;
  limit: number;
}

interface Row {
  org_id: string;
  seq: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export const toEntry = (row: Row): AuditEntry => ({
  orgId: row.org_id,
  seq: Number(row.seq),
  at: row.at,
  actor: row.actor,
  action: row.action,
  target: row.target,
  detail: row.detail,
  prevHash: row.prev_hash,
  hash: row.hash,
});

export interface AuditLogOptions {
  db: Knex;
  /** Signs checkpoints and heads (see checkpointKey). */
  key: Buffer;
  clock: Clock;
}

/**
 * The append-only, per-organization hash chain. Appends take the org's head row FOR UPDATE, so
 * concurrent appends (any replica) serialize and each links to the one before. The head is
 * re-signed (HMAC of org, seq, hash) in the same transaction, so the newest entries and the end of
 * the chain are keyed; every CHECKPOINT_EVERY entries a signed (seq, hash) also goes to
 * audit_checkpoints, which the app role can insert into but not change.
 */
export class AuditLog {
  private readonly o: AuditLogOptions;

  constructor(options: AuditLogOptions) {
    this.o = options;
  }

  append(event: AuditEvent): Promise<AuditEntry> {
    const { orgId } = event;
    return withTenant(this.o.db, { orgId }, async (trx) => {
      await trx.raw(
        'INSERT INTO audit_heads (org_id, seq, hash, signature) VALUES (?, 0, ?, ?) ON CONFLICT (org_id) DO NOTHING',
        [orgId, GENESIS, signHead(this.o.key, orgId, 0, GENESIS)],
      );
      const head = await trx.raw<{ rows: Array<{ seq: string; hash: string }> }>(
        'SELECT seq, hash FROM audit_heads WHERE org_id = ? FOR UPDATE',
        [orgId],
      );
      const last = head.rows[0];
      if (!last) throw new Error(`The audit chain head of ${orgId} is missing`);
      if (event.key !== undefined) {
        // Under the head's lock: a concurrent append of the same key waits, then finds this one.
        const earlier = await trx.raw<{ rows: Row[] }>(
          `SELECT l.* FROM audit_keys k JOIN audit_log l ON l.org_id = k.org_id AND l.seq = k.seq
           WHERE k.org_id = ? AND k.key = ?`,
          [orgId, event.key],
        );
        const found = earlier.rows[0];
        if (found) return toEntry(found);
      }
      const seq = Number(last.seq) + 1;
      const inserted = await trx.raw<{ rows: Row[] }>(
        `INSERT INTO audit_log (org_id, seq, at, actor, action, target, detail, prev_hash, hash)
         SELECT org_id, seq, at, actor, action, target, detail, prev_hash, ${ENTRY_HASH_SQL}
         FROM (SELECT ?::text AS org_id, ?::bigint AS seq, ?::timestamptz AS at, ?::text AS actor,
                      ?::text AS action, ?::text AS target, ?::jsonb AS detail, ?::text AS prev_hash) entry
         RETURNING *`,
        [
          orgId,
          seq,
          new Date(this.o.clock.now()),
          event.actor,
          event.action,
          event.target ?? '',
          JSON.stringify(event.detail ?? {}),
          last.hash,
        ],
      );
      const row = inserted.rows[0];
      if (!row) throw new Error('The audit entry was not inserted');
      if (event.key !== undefined) {
        await trx.raw('INSERT INTO audit_keys (org_id, key, seq) VALUES (?, ?, ?)', [orgId, event.key, seq]);
      }
      await trx.raw('UPDATE audit_heads SET seq = ?, hash = ?, signature = ? WHERE org_id = ?', [
        seq,
        row.hash,
        signHead(this.o.key, orgId, seq, row.hash),
        orgId,
      ]);
      if (seq % CHECKPOINT_EVERY === 0) {
        await trx.raw('INSERT INTO audit_checkpoints (org_id, seq, hash, signature) VALUES (?, ?, ?, ?)', [
          orgId,
          seq,
          row.hash,
          signCheckpoint(this.o.key, orgId, seq, row.hash),
        ]);
      }
      return toEntry(row);
    });
  }

  /** The chain's head as stored (seq, hash and its signature), or undefined before the first append. */
  head(orgId: string): Promise<{ seq: string; hash: string; signature: string | null } | undefined> {
    return withTenant(this.o.db, { orgId }, (trx) =>
      trx('audit_heads').where({ org_id: orgId }).first('seq', 'hash', 'signature'),
    );
  }

  /** Newest first; `next_before` pages on. */
  list(orgId: string, query: AuditQuery): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
    return withTenant(this.o.db, { orgId }, async (trx) => {
      const select = trx<Row>('audit_log').where({ org_id: orgId });
      if (query.action) select.andWhere('action', query.action);
      if (query.actor) select.andWhere('actor', query.actor);
      if (query.since) select.andWhere('at', '>=', query.since);
      if (query.until) select.andWhere('at', '<', query.until);
      if (query.before !== undefined) select.andWhere('seq', '<', query.before);
      const rows = (await select.orderBy('seq', 'desc').limit(query.limit + 1)) as Row[];
      const page = rows.slice(0, query.limit).map(toEntry);
      const lastOfPage = page.at(-1);
      return { entries: page, nextBefore: rows.length > query.limit && lastOfPage ? lastOfPage.seq : null };
    });
  }
}
