import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { CHECKPOINT_EVERY, checkpointValid, GENESIS, headValid } from './hash.ts';
import { checkRanges } from './verify-ranges.ts';

/**
 * What verification can find: altered (an entry's content no longer matches its hash), broken-link
 * (an entry's prev_hash is not the hash of the one before), gap (sequence numbers skip: entries
 * removed or moved), checkpoint-forged (a checkpoint's signature is wrong), checkpoint-mismatch (the
 * entry a checkpoint names has another hash), checkpoint-missing (none at a multiple of
 * CHECKPOINT_EVERY up to the last entry), truncated (a checkpoint names an entry past the end),
 * head-forged (the chain head's signature is wrong or missing), head-mismatch (the head does not
 * point at the last entry).
 */
export const PROBLEM_KINDS = [
  'altered',
  'broken-link',
  'gap',
  'checkpoint-forged',
  'checkpoint-mismatch',
  'checkpoint-missing',
  'truncated',
  'head-forged',
  'head-mismatch',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

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
  /** The first problems found (at most 100), in order of seq. */
  problems: VerifyProblem[];
}

const MAX_PROBLEMS = 100;

export type Rows<T> = { rows: T[] };

interface Snapshot {
  entries: number;
  first?: { seq: string; prev_hash: string; hash: string };
  last?: { seq: string; prev_hash: string; hash: string };
  checkpoints: Array<{ seq: string; hash: string; signature: string }>;
  /** The log's hash at each checkpoint's seq. */
  logged: Array<{ seq: string; hash: string }>;
  head?: { seq: string; hash: string; signature: string | null };
}

/**
 * The head, the ends of the log and the checkpoints as of one snapshot (repeatable read), so
 * appends landing meanwhile are not half seen. Entries up to that last seq never change when
 * nobody tampers (appends only add after the head), so the ranges are checked afterwards, on
 * other connections, against this snapshot's end.
 */
function readSnapshot(db: Knex, orgId: string): Promise<Snapshot> {
  return db.transaction(
    (snapshot) =>
      withTenant(snapshot, { orgId }, async (trx) => {
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
        const head = await trx.raw<Rows<{ seq: string; hash: string; signature: string | null }>>(
          'SELECT seq, hash, signature FROM audit_heads WHERE org_id = ?',
          [orgId],
        );
        return {
          entries: Number(summary?.n ?? 0),
          first: ends.rows.find((row) => row.seq === summary?.first),
          last: ends.rows.find((row) => row.seq === summary?.last),
          checkpoints: checkpoints.rows,
          logged: logged.rows,
          head: head.rows[0],
        };
      }),
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}

/**
 * Verifies an organization's chain: every entry's hash (recomputed by the database), every link
 * and sequence number, a validly signed checkpoint at every multiple of CHECKPOINT_EVERY and the
 * entry it names, and the signed head naming the last entry. The log is checked in ranges of seq
 * on several connections at once (each range overlapping the one before by one entry, so no link
 * goes unchecked); the database returns only the rows with a problem, so memory stays flat however
 * long the log.
 */
export async function verifyChain(db: Knex, key: Buffer, orgId: string): Promise<Verification> {
  const problems: VerifyProblem[] = [];
  const add = (seq: number | string, kind: ProblemKind) => problems.push({ seq: Number(seq), kind });

  const snapshot = await readSnapshot(db, orgId);
  if (snapshot.first) {
    if (Number(snapshot.first.seq) !== 1) add(snapshot.first.seq, 'gap');
    else if (snapshot.first.prev_hash !== GENESIS) add(1, 'broken-link');
  }
  const last = snapshot.last
    ? { seq: Number(snapshot.last.seq), hash: snapshot.last.hash }
    : { seq: 0, hash: GENESIS };

  for (const { altered, links } of await checkRanges(
    db,
    orgId,
    Number(snapshot.first?.seq ?? 1),
    last.seq,
    MAX_PROBLEMS,
  )) {
    for (const row of altered) add(row.seq, 'altered');
    for (const row of links) {
      if (row.gap) add(row.seq, 'gap');
      if (row.broken) add(row.seq, 'broken-link');
    }
  }

  const loggedHash = new Map(snapshot.logged.map((row) => [row.seq, row.hash]));
  const checkpointed = new Set<number>();
  for (const checkpoint of snapshot.checkpoints) {
    const seq = Number(checkpoint.seq);
    checkpointed.add(seq);
    if (!checkpointValid(key, orgId, seq, checkpoint.hash, checkpoint.signature))
      add(seq, 'checkpoint-forged');
    else if (seq > last.seq) add(seq, 'truncated');
    else if (loggedHash.get(checkpoint.seq) !== checkpoint.hash) add(seq, 'checkpoint-mismatch');
  }
  for (let seq = CHECKPOINT_EVERY; seq <= last.seq; seq += CHECKPOINT_EVERY) {
    if (!checkpointed.has(seq)) add(seq, 'checkpoint-missing');
  }

  const head = snapshot.head;
  if (head && !headValid(key, orgId, Number(head.seq), head.hash, head.signature))
    add(head.seq, 'head-forged');
  if (head ? Number(head.seq) !== last.seq || head.hash !== last.hash : last.seq !== 0) {
    add(head?.seq ?? 0, 'head-mismatch');
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    orgId,
    ok: problems.length === 0,
    entries: snapshot.entries,
    checkpoints: snapshot.checkpoints.length,
    last,
    problems: problems.slice(0, MAX_PROBLEMS),
  };
}
