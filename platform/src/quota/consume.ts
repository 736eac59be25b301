import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';

export type UsageKind = 'agent_executions' | 'workflows';
export const USAGE_KINDS: readonly UsageKind[] = ['agent_executions', 'workflows'];

export interface Consumption {
  /** Whether the work may go ahead: newly counted, or counted before. */
  allowed: boolean;
  /** Whether this call counted the key (false when it was counted before, or refused). */
  counted: boolean;
  used: number;
  /** null: unlimited. */
  limit: number | null;
  remaining: number | null;
  period: string;
}

const remainingOf = (limit: number | null, used: number) =>
  limit === null ? null : Math.max(0, limit - used);

/**
 * Counts `key` (a WorkflowRun uid, an agent run id) once against the org's monthly `kind` quota
 * for `period`. The ledger's primary key makes a retried or duplicated call a no-op; the counter
 * is bumped by one conditional UPDATE, whose row lock serializes concurrent consumers and whose
 * WHERE is re-checked after the wait, so N parallel callers against a limit of L take exactly
 * min(N, L). A refused key leaves no ledger row, so it may be tried again next period. `at` is
 * when it was counted (the caller's clock; default the database's), for usage per day.
 */
export function consume(
  db: Knex,
  orgId: string,
  kind: UsageKind,
  key: string,
  limit: number | null,
  period: string,
  at?: Date,
): Promise<Consumption> {
  return withTenant(db, { orgId }, async (trx) => {
    await trx.raw(
      `INSERT INTO usage_counters (org_id, kind, period, used) VALUES (?, ?, ?, 0)
       ON CONFLICT (org_id, kind, period) DO NOTHING`,
      [orgId, kind, period],
    );
    const inserted = await trx.raw<{ rows: unknown[] }>(
      `INSERT INTO usage_ledger (org_id, kind, key, period, created_at)
       VALUES (?, ?, ?, ?, coalesce(?::timestamptz, now()))
       ON CONFLICT (org_id, kind, key) DO NOTHING RETURNING key`,
      [orgId, kind, key, period, at ?? null],
    );
    if (inserted.rows.length === 0) {
      const used = await usedIn(trx, orgId, kind, period);
      return { allowed: true, counted: false, used, limit, remaining: remainingOf(limit, used), period };
    }
    const bumped = await trx.raw<{ rows: Array<{ used: number }> }>(
      `UPDATE usage_counters SET used = used + 1
       WHERE org_id = ? AND kind = ? AND period = ? AND (?::integer IS NULL OR used < ?::integer)
       RETURNING used`,
      [orgId, kind, period, limit, limit],
    );
    const row = bumped.rows[0];
    if (row) {
      return {
        allowed: true,
        counted: true,
        used: row.used,
        limit,
        remaining: remainingOf(limit, row.used),
        period,
      };
    }
    await trx.raw('DELETE FROM usage_ledger WHERE org_id = ? AND kind = ? AND key = ?', [orgId, kind, key]);
    const used = await usedIn(trx, orgId, kind, period);
    return { allowed: false, counted: false, used, limit, remaining: remainingOf(limit, used), period };
  });
}

async function usedIn(
  trx: Knex.Transaction,
  orgId: string,
  kind: UsageKind,
  period: string,
): Promise<number> {
  const row = await trx('usage_counters').where({ org_id: orgId, kind, period }).first('used');
  return (row as { used: number } | undefined)?.used ?? 0;
}

/** What each kind has used in `period` (0 for kinds never consumed); in the caller's transaction or its own. */
export function usage(db: Knex, orgId: string, period: string): Promise<Record<UsageKind, number>> {
  const read = async (trx: Knex.Transaction) => {
    const rows = (await trx('usage_counters')
      .where({ org_id: orgId, period })
      .select('kind', 'used')) as Array<{ kind: UsageKind; used: number }>;
    const used: Record<UsageKind, number> = { agent_executions: 0, workflows: 0 };
    for (const row of rows) used[row.kind] = row.used;
    return used;
  };
  return db.isTransaction ? read(db as Knex.Transaction) : withTenant(db, { orgId }, read);
}
