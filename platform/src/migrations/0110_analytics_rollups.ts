import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * Analytics rollups: `analytics_daily` holds per org, day (UTC), metric and dimension what the
 * usage ledger and the audit trail counted that day; `analytics_cursors` the last day each org's
 * rollup finished (days after it are counted from the raw rows when asked); `scheduled_job_ticks`
 * one row per scheduled job and tick, whose insert is how exactly one replica wins the tick.
 * The ledger gains an index by time, which counting the days after the cursor reads.
 */
export const analyticsRollups: Migration = {
  name: '0110_analytics_rollups',
  async up(db) {
    await db.raw(`
      CREATE TABLE analytics_daily (
        org_id text NOT NULL,
        metric text NOT NULL,
        day date NOT NULL,
        dim text NOT NULL DEFAULT '',
        value bigint NOT NULL,
        PRIMARY KEY (org_id, metric, day, dim)
      )`);
    await db.raw(`
      CREATE TABLE analytics_cursors (
        org_id text NOT NULL,
        job text NOT NULL,
        done_through date NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, job)
      )`);
    for (const table of ['analytics_daily', 'analytics_cursors']) await rowsOfOrganization(db, table);
    await db.raw(`
      CREATE TABLE scheduled_job_ticks (
        job text NOT NULL,
        tick timestamptz NOT NULL,
        holder text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        PRIMARY KEY (job, tick)
      )`);
    await db.raw('CREATE INDEX usage_ledger_by_time ON usage_ledger (org_id, created_at)');
  },
  async down(db) {
    await db.raw('DROP INDEX IF EXISTS usage_ledger_by_time');
    for (const table of ['scheduled_job_ticks', 'analytics_cursors', 'analytics_daily']) {
      await db.raw('DROP TABLE IF EXISTS ??', [table]);
    }
  },
};
