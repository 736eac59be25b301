import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * Monthly usage: `usage_ledger` remembers every key ever counted (a WorkflowRun uid, an agent run
 * id), so a retried consume never counts twice; `usage_counters` holds one row per org, kind and
 * billing period, which the conditional UPDATE in quota/consume.ts locks and bumps.
 */
export const usageLedger: Migration = {
  name: '0100_usage_ledger',
  async up(db) {
    await db.raw(`
      CREATE TABLE usage_ledger (
        org_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('agent_executions', 'workflows')),
        key text NOT NULL,
        period text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, kind, key)
      )`);
    await db.raw(`
      CREATE TABLE usage_counters (
        org_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('agent_executions', 'workflows')),
        -- The first day of the billing period (YYYY-MM-DD, UTC).
        period text NOT NULL,
        used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
        PRIMARY KEY (org_id, kind, period)
      )`);
    for (const table of ['usage_ledger', 'usage_counters']) await rowsOfOrganization(db, table);
  },
  async down(db) {
    await db.raw('DROP TABLE IF EXISTS usage_counters');
    await db.raw('DROP TABLE IF EXISTS usage_ledger');
  },
};
