import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { ENTRY_HASH_SQL } from './hash.ts';
import type { Rows } from './verify.ts';

const RANGE = 100_000;
const PARALLEL = 4;

export type RangeProblems = {
  altered: Array<{ seq: string }>;
  links: Array<{ seq: string; gap: boolean; broken: boolean }>;
};

/**
 * Checks entries `from`..`to` of an org in ranges of RANGE, PARALLEL at a time, each range in a
 * transaction of its own: every entry's hash recomputed by the database, every seq and link. The
 * database returns only the rows with a problem (at most `limit` of each kind per range).
 */
export async function checkRanges(
  db: Knex,
  orgId: string,
  from: number,
  to: number,
  limit: number,
): Promise<RangeProblems[]> {
  const ranges: Array<[number, number]> = [];
  for (let start = from; start <= to; start += RANGE) ranges.push([start, Math.min(start + RANGE - 1, to)]);
  const checkRange = ([start, end]: [number, number]) =>
    withTenant(db, { orgId }, async (trx): Promise<RangeProblems> => {
      const altered = await trx.raw<Rows<{ seq: string }>>(
        `SELECT seq FROM audit_log WHERE org_id = ? AND seq BETWEEN ? AND ? AND ${ENTRY_HASH_SQL} <> hash
         ORDER BY seq LIMIT ?`,
        [orgId, start, end, limit],
      );
      // From the entry before the range, so the link into it is checked too.
      const links = await trx.raw<Rows<{ seq: string; gap: boolean; broken: boolean }>>(
        `SELECT seq, seq <> previous_seq + 1 AS gap, prev_hash <> previous_hash AS broken FROM (
           SELECT seq, prev_hash, lag(seq) OVER w AS previous_seq, lag(hash) OVER w AS previous_hash
           FROM audit_log WHERE org_id = ? AND seq BETWEEN ? AND ? WINDOW w AS (ORDER BY seq)
         ) linked
         WHERE previous_seq IS NOT NULL AND (seq <> previous_seq + 1 OR prev_hash <> previous_hash)
         ORDER BY seq LIMIT ?`,
        [orgId, start - 1, end, limit],
      );
      return { altered: altered.rows, links: links.rows };
    });
  const results: RangeProblems[] = [];
  for (let i = 0; i < ranges.length; i += PARALLEL) {
    results.push(...(await Promise.all(ranges.slice(i, i + PARALLEL).map(checkRange))));
  }
  return results;
}
