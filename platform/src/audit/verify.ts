import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { checkpointValid, ENTRY_HASH_SQL, GENESIS } from './hash.ts';

export type ProblemKind =
  | 'altered' // an entry's content no longer matches its hash
  | 'broken-link' // an entry's prev_hash is not the hash of the entry before it
  | 'gap' // sequence numbers skip: entries were removed, or moved
  | 'checkpoint-forged' // a checkpoint's signature is wrong
  | 'checkpoint-mismatch' // the entry a checkpoint names has another hash
  | 'truncated' // a checkpoint names an entry past the end of the log
  | 'head-mismatch'; // the chain head does not point at the last entry

export interface VerifyProblem {
  seq: number;
  kind: ProblemKind;
}

export interface Verification {
  orgId: string;
  ok: boolean;
  entries: number;
  checkpoints: number;
  last: { seq: number; hash: string };
  /** The first problems found (at most 100 of each kind), in order of seq. */
  problems: VerifyProblem[];
}

const RANGE = 100_000;
const PARALLEL = 4;
const MAX_PROBLEMS = 100;

type Rows<T> = { rows: T[] };

/**
 * Verifies an organization's chain: every entry's hash (recomputed by the database), every link
 * and sequence number, every checkpoint's signature and the entry it names, and the head. The
 * log is checked in ranges of seq on several connections at once (each range overlapping the one
 * before by one entry, so no link goes unchecked); the database returns only the rows with a
 * problem, so memory stays flat however long the log.
 */
export async function verifyChain(db: Knex, key: Buffer, orgId: string): Promise<Verification> {
  const scoped = <T>(fn: (trx: Knex.Transaction) => Promise<T>) => withTenant(db, { orgId }, fn);
  const problems: VerifyProblem[] = [];
  const add = (seq: number | string, kind: ProblemKind) => problems.push({ seq: Number(seq), kind });

  const bounds = await scoped(async (trx) => {
    const [summary] = (
      await trx.raw<Rows<{ n: string; first: string | null; last: string | null }>>(
        'SELECT count(*) AS n, min(seq) AS first, max(seq) AS last FROM audit_log WHERE org_id = ?',
        [orgId],
      )
    ).rows;
    const ends = await trx.raw<Rows<{ seq: string; prev_hash: string; hash: string }>>(
      'SELECT seq, prev_hash, hash FROM audit_log WHERE org_id = ? AND seq IN (?, ?)',
      [orgId, summary?.first ?? 0, summary?.last ?? 0],
    );
    return {
      entries: Number(summary?.n ?? 0),
      first: ends.rows.find((row) => row.seq === summary?.first),
      last: ends.rows.find((row) => row.seq === summary?.last),
    };
  });
  if (bounds.first) {
    if (Number(bounds.first.seq) !== 1) add(bounds.first.seq, 'gap');
    else if (bounds.first.prev_hash !== GENESIS) add(1, 'broken-link');
  }
  const last = bounds.last
    ? { seq: Number(bounds.last.seq), hash: bounds.last.hash }
    : { seq: 0, hash: GENESIS };

  const ranges: Array<[number, number]> = [];
  for (let from = Number(bounds.first?.seq ?? 1); from <= last.seq; from += RANGE) {
    ranges.push([from, Math.min(from + RANGE - 1, last.seq)]);
  }
  const checkRange = ([from, to]: [number, number]) =>
    scoped(async (trx) => {
      const altered = await trx.raw<Rows<{ seq: string }>>(
        `SELECT seq FROM audit_log WHERE org_id = ? AND seq BETWEEN ? AND ? AND ${ENTRY_HASH_SQL} <> hash
         ORDER BY seq LIMIT ${MAX_PROBLEMS}`,
        [orgId, from, to],
      );
      // From the entry before the range, so the link into it is checked too.
      const links = await trx.raw<Rows<{ seq: string; gap: boolean; broken: boolean }>>(
        `SELECT seq, seq <> previous_seq + 1 AS gap, prev_hash <> previous_hash AS broken FROM (
           SELECT seq, prev_hash, lag(seq) OVER w AS previous_seq, lag(hash) OVER w AS previous_hash
           FROM audit_log WHERE org_id = ? AND seq BETWEEN ? AND ? WINDOW w AS (ORDER BY seq)
         ) linked
         WHERE previous_seq IS NOT NULL AND (seq <> previous_seq + 1 OR prev_hash <> previous_hash)
         ORDER BY seq LIMIT ${MAX_PROBLEMS}`,
        [orgId, from - 1, to],
      );
      return { altered: altered.rows, links: links.rows };
    });
  const results: Array<Awaited<ReturnType<typeof checkRange>>> = [];
  for (let i = 0; i < ranges.length; i += PARALLEL) {
    results.push(...(await Promise.all(ranges.slice(i, i + PARALLEL).map(checkRange))));
  }
  for (const { altered, links } of results) {
    for (const row of altered) add(row.seq, 'altered');
    for (const row of links) {
      if (row.gap) add(row.seq, 'gap');
      if (row.broken) add(row.seq, 'broken-link');
    }
  }

  const checked = await scoped(async (trx) => {
    // Two index lookups rather than a join, whose plan (with row level security, and statistics
    // that lag bulk appends) can degrade into a nested loop over the whole log.
    const checkpoints = await trx.raw<Rows<{ seq: string; hash: string; signature: string }>>(
      'SELECT seq, hash, signature FROM audit_checkpoints WHERE org_id = ? ORDER BY seq',
      [orgId],
    );
    const logged = await trx.raw<Rows<{ seq: string; hash: string }>>(
      'SELECT seq, hash FROM audit_log WHERE org_id = ? AND seq = ANY(?::bigint[])',
      [orgId, checkpoints.rows.map((checkpoint) => checkpoint.seq)],
    );
    const head = await trx.raw<Rows<{ seq: string; hash: string }>>(
      'SELECT seq, hash FROM audit_heads WHERE org_id = ?',
      [orgId],
    );
    return { checkpoints: checkpoints.rows, logged: logged.rows, head: head.rows[0] };
  });
  const loggedHash = new Map(checked.logged.map((row) => [row.seq, row.hash]));
  for (const checkpoint of checked.checkpoints) {
    const seq = Number(checkpoint.seq);
    if (!checkpointValid(key, orgId, seq, checkpoint.hash, checkpoint.signature))
      add(seq, 'checkpoint-forged');
    else if (seq > last.seq) add(seq, 'truncated');
    else if (loggedHash.get(checkpoint.seq) !== checkpoint.hash) add(seq, 'checkpoint-mismatch');
  }
  const head = checked.head;
  if (head ? Number(head.seq) !== last.seq || head.hash !== last.hash : last.seq !== 0) {
    add(head?.seq ?? 0, 'head-mismatch');
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    orgId,
    ok: problems.length === 0,
    entries: bounds.entries,
    checkpoints: checked.checkpoints.length,
    last,
    problems: problems.slice(0, MAX_PROBLEMS),
  };
}
