import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { countedDays, firstCountedDay } from './daily.ts';
import { addDays, dayKey, startOfDay } from './range.ts';

/** The cursor's job name for the daily rollup. */
export const DAILY_JOB = 'daily';
/** Days one transaction rolls up: a year of history is a dozen short transactions, not one long one. */
export const DAYS_PER_STEP = 31;

/** Where an organization's daily rollup stands: the last closed day it stored, if any. */
export async function closedThrough(trx: Knex.Transaction, orgId: string): Promise<Date | undefined> {
  const row = (await trx('analytics_cursors')
    .where({ org_id: orgId, job: DAILY_JOB })
    .first('done_through')) as { done_through: Date } | undefined;
  return row ? new Date(`${dayKey(row.done_through)}T00:00:00Z`) : undefined;
}

/**
 * One step of an organization's daily rollup, in one transaction: the days from its cursor (that
 * day again, for rows committed late) up to DAYS_PER_STEP later, never today (not closed), are
 * counted again from the raw rows, replacing what was stored, and the cursor moves past them.
 * Each step is idempotent and commits with its cursor, so a rollup that dies halfway resumes at
 * the last step that committed. Returns whether days remain before today.
 */
export function rollupStep(db: Knex, orgId: string, now: Date): Promise<boolean> {
  return withTenant(db, { orgId }, async (trx) => {
    // Serializes two rollups of one org (a tick claimed late, a test run by hand).
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext('analytics.rollup'), hashtext(?))", [orgId]);
    const today = startOfDay(now);
    const cursor = await closedThrough(trx, orgId);
    const start = cursor ?? (await firstCountedDay(trx, orgId)) ?? today;
    const end = new Date(Math.min(addDays(start, DAYS_PER_STEP).getTime(), today.getTime()));
    if (end <= start) return false;
    await trx('analytics_daily')
      .where({ org_id: orgId })
      .andWhere('day', '>=', dayKey(start))
      .andWhere('day', '<', dayKey(end))
      .delete();
    const counted = countedDays(orgId, start, end);
    await trx.raw(
      `INSERT INTO analytics_daily (org_id, metric, day, dim, value)
       SELECT ?, metric, day, dim, value FROM (${counted.sql}) AS counted`,
      [orgId, ...counted.bindings],
    );
    await trx.raw(
      `INSERT INTO analytics_cursors (org_id, job, done_through, updated_at) VALUES (?, ?, ?, now())
       ON CONFLICT (org_id, job) DO UPDATE SET done_through = excluded.done_through, updated_at = now()`,
      [orgId, DAILY_JOB, dayKey(addDays(end, -1))],
    );
    return end < today;
  });
}

/** Rolls an organization's days up to yesterday, step by step. */
export async function rollupOrganization(db: Knex, orgId: string, now: Date): Promise<void> {
  while (await rollupStep(db, orgId, now)) {
    // Each step committed its days and its cursor.
  }
}
