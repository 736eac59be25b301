import type { Migration } from './index.ts';

/**
 * Each audit chain head carries an HMAC of (org, seq, hash) written with every append, so the
 * newest entries (after the last checkpoint) and the end of the chain cannot be rewritten
 * without the platform's key. Heads written before this are unsigned until their next append.
 */
export const auditHeadSignature: Migration = {
  name: '0103_audit_head_signature',
  async up(db) {
    await db.raw('ALTER TABLE audit_heads ADD COLUMN signature text');
  },
  async down(db) {
    await db.raw('ALTER TABLE audit_heads DROP COLUMN IF EXISTS signature');
  },
};
