import type { Migration } from './index.ts';

/** Usage history (analytics) counts an org's ledger rows per billing period and per day. */
export const usageLedgerByPeriod: Migration = {
  name: '0102_usage_ledger_by_period',
  async up(db) {
    await db.raw('CREATE INDEX usage_ledger_by_period ON usage_ledger (org_id, period, kind, created_at)');
  },
  async down(db) {
    await db.raw('DROP INDEX IF EXISTS usage_ledger_by_period');
  },
};
