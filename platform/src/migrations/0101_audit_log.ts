import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * The audit trail: `audit_log` is an append-only hash chain per organization, `audit_heads` its
 * head (locked by every append so appends serialize), `audit_checkpoints` signed (seq, hash)
 * pairs kept outside the log so a removed tail is detected. The app role may not UPDATE or DELETE
 * log or checkpoint rows: a compromised API can add entries, never rewrite history.
 */
export function auditLog(appRole: string): Migration {
  return {
    name: '0101_audit_log',
    async up(db) {
      await db.raw(`
        CREATE TABLE audit_log (
          org_id text NOT NULL,
          seq bigint NOT NULL CHECK (seq > 0),
          at timestamptz NOT NULL,
          actor text NOT NULL,
          action text NOT NULL,
          target text NOT NULL DEFAULT '',
          detail jsonb NOT NULL DEFAULT '{}',
          prev_hash text NOT NULL,
          hash text NOT NULL,
          PRIMARY KEY (org_id, seq)
        )`);
      await db.raw('CREATE INDEX audit_log_action ON audit_log (org_id, action, seq)');
      await db.raw('CREATE INDEX audit_log_at ON audit_log (org_id, at)');
      await db.raw(`
        CREATE TABLE audit_heads (
          org_id text PRIMARY KEY,
          seq bigint NOT NULL,
          hash text NOT NULL
        )`);
      await db.raw(`
        CREATE TABLE audit_checkpoints (
          org_id text NOT NULL,
          seq bigint NOT NULL,
          hash text NOT NULL,
          at timestamptz NOT NULL DEFAULT now(),
          signature text NOT NULL,
          PRIMARY KEY (org_id, seq)
        )`);
      for (const table of ['audit_log', 'audit_heads', 'audit_checkpoints'])
        await rowsOfOrganization(db, table);
      await db.raw('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints FROM ??', [appRole]);
      await db.raw('REVOKE DELETE, TRUNCATE ON audit_heads FROM ??', [appRole]);
    },
    async down(db) {
      for (const table of ['audit_checkpoints', 'audit_heads', 'audit_log']) {
        await db.raw('DROP TABLE IF EXISTS ??', [table]);
      }
    },
  };
}
