import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * Appends that carry a key (the operator's workflow transitions) are recorded once: the key and the
 * entry it made, inserted in the append's transaction under the chain head's lock, so a repeated
 * append (a crash before its caller recorded it) finds the entry instead of writing another. Like
 * the log, the app role may insert but never change or remove them.
 */
export function auditKeys(appRole: string): Migration {
  return {
    name: '0105_audit_keys',
    async up(db) {
      await db.raw(`
        CREATE TABLE audit_keys (
          org_id text NOT NULL,
          key text NOT NULL,
          seq bigint NOT NULL,
          PRIMARY KEY (org_id, key)
        )`);
      await rowsOfOrganization(db, 'audit_keys');
      await db.raw('REVOKE UPDATE, DELETE, TRUNCATE ON audit_keys FROM ??', [appRole]);
    },
    async down(db) {
      await db.raw('DROP TABLE IF EXISTS audit_keys');
    },
  };
}
