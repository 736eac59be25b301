import type { Migration } from './index.ts';

/**
 * Refunds keep the ledger insert-only: an agent that failed after its unit was taken is given back
 * by a compensating row (key `<key>:refund`, units -1) in the period the unit was taken from, so
 * the counters and the usage history (a sum of units) both count it.
 */
export const usageRefunds: Migration = {
  name: '0104_usage_refunds',
  async up(db) {
    await db.raw(
      'ALTER TABLE usage_ledger ADD COLUMN units smallint NOT NULL DEFAULT 1 CHECK (units IN (1, -1))',
    );
  },
  async down(db) {
    await db.raw('ALTER TABLE usage_ledger DROP COLUMN IF EXISTS units');
  },
};
