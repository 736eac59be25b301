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

/** What `consumeAll` did with a batch of keys that go ahead together or not at all. */
export interface BatchConsumption {
  /** Whether the work may go ahead: every key newly counted, or counted before. */
  allowed: boolean;
  /** How many keys this call counted (0 when refused, or when all were counted before). */
  counted: number;
  used: number;
  /** null: unlimited. */
  limit: number | null;
  remaining: number | null;
  period: string;
}

/** Thrown inside the transaction so that a refusal leaves no trace; carries what was used. */
class Refused extends Error {
  readonly used: number;

  constructor(used: number) {
    super('refused');
    this.used = used;
  }
}

/**
 * Counts `key` (a WorkflowRun uid) once against the org's monthly `kind` quota for `period`:
 * `consumeAll` with one key. A retried or duplicated call is a no-op that is still allowed.
 */
export async function consume(
  db: Knex,
  orgId: string,
  kind: UsageKind,
  key: string,
  limit: number | null,
  period: string,
  at?: Date,
): Promise<Consumption> {
  const { counted, ...rest } = await consumeAll(db, orgId, kind, [key], limit, period, at);
  return { ...rest, counted: counted > 0 };
}

/**
 * Counts `keys` (an agent run's `<run_id>:<agent>`) against the org's monthly `kind` quota for
 * `period`, all or nothing, in one transaction. The ledger's primary key makes a key counted
 * before a no-op; the counter moves by the number of new keys in one conditional UPDATE (`used +
 * n <= limit`), whose row lock serializes concurrent consumers and whose WHERE is re-checked after
 * the wait, so parallel callers against a limit take exactly what fits and each batch is whole or
 * absent. A refused batch is rolled back: it leaves no ledger row and may be tried again. `at` is
 * when it was counted (the caller's clock; default the database's), for usage per day.
 */
export async function consumeAll(
  db: Knex,
  orgId: string,
  kind: UsageKind,
  keys: readonly string[],
  limit: number | null,
  period: string,
  at?: Date,
): Promise<BatchConsumption> {
  const answer = (allowed: boolean, counted: number, used: number): BatchConsumption => ({
    allowed,
    counted,
    used,
    limit,
    remaining: remainingOf(limit, used),
    period,
  });
  try {
    return await withTenant(db, { orgId }, async (trx) => {
      await trx.raw(
        `INSERT INTO usage_counters (org_id, kind, period, used) VALUES (?, ?, ?, 0)
         ON CONFLICT (org_id, kind, period) DO NOTHING`,
        [orgId, kind, period],
      );
      const inserted = await trx.raw<{ rows: unknown[] }>(
        `INSERT INTO usage_ledger (org_id, kind, key, period, created_at)
         SELECT ?, ?, key, ?, coalesce(?::timestamptz, now()) FROM unnest(?::text[]) AS key
         ON CONFLICT (org_id, kind, key) DO NOTHING RETURNING key`,
        [orgId, kind, period, at ?? null, [...new Set(keys)]],
      );
      const count = inserted.rows.length;
      if (count === 0) return answer(true, 0, await usedIn(trx, orgId, kind, period));
      const bumped = await trx.raw<{ rows: Array<{ used: number }> }>(
        `UPDATE usage_counters SET used = used + ?::integer
         WHERE org_id = ? AND kind = ? AND period = ? AND (?::integer IS NULL OR used + ?::integer <= ?::integer)
         RETURNING used`,
        [count, orgId, kind, period, limit, count, limit],
      );
      const row = bumped.rows[0];
      if (!row) throw new Refused(await usedIn(trx, orgId, kind, period));
      return answer(true, count, row.used);
    });
  } catch (error) {
    if (error instanceof Refused) return answer(false, 0, error.used);
    throw error;
  }
}

/**
 * Gives back the unit `key` took (an agent that failed after its run was metered), by a
 * compensating ledger row `<key>:refund` counting -1 in the period `key` was counted in; the
 * ledger stays insert-only and its key makes a repeated refund a no-op. False when `key` was never
 * counted or is refunded already.
 */
export function refund(db: Knex, orgId: string, kind: UsageKind, key: string, at?: Date): Promise<boolean> {
  return withTenant(db, { orgId }, async (trx) => {
    const inserted = await trx.raw<{ rows: Array<{ period: string }> }>(
      `INSERT INTO usage_ledger (org_id, kind, key, period, created_at, units)
       SELECT org_id, kind, key || ':refund', period, coalesce(?::timestamptz, now()), -1
       FROM usage_ledger WHERE org_id = ? AND kind = ? AND key = ? AND units = 1
       ON CONFLICT (org_id, kind, key) DO NOTHING RETURNING period`,
      [at ?? null, orgId, kind, key],
    );
    const period = inserted.rows[0]?.period;
    if (period === undefined) return false;
    await trx.raw(
      'UPDATE usage_counters SET used = used - 1 WHERE org_id = ? AND kind = ? AND period = ? AND used > 0',
      [orgId, kind, period],
    );
    return true;
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
