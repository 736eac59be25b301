import { randomBytes } from 'node:crypto';
import { systemClock } from '@guardian/kube/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditLog,
  CHECKPOINT_EVERY,
  checkpointKey,
  ENTRY_HASH_SQL,
  verifyChain,
} from '../../platform/src/audit/index.ts';
import { connect, type Knex, migrate } from '../../platform/src/db.ts';
import { uniqueName } from '../support/kube.ts';
import { stackEnv } from '../support/stack.ts';

/** Tampering as the table owner would (row level security binds it too, so it names the org). */
function asOwner(admin: Knex, orgId: string, sql: string, bindings: Array<string | number> = []) {
  return admin.transaction(async (trx) => {
    await trx.raw("select set_config('guardian.org_id', ?, true)", [orgId]);
    await trx.raw(sql, bindings);
  });
}

/**
 * What someone with write access to the database but without the platform's key can do after
 * editing entry `from`: recompute every hash and link from there on, and point the head (but not
 * its signature) at the new last hash.
 */
async function rehashFrom(admin: Knex, orgId: string, from: number): Promise<void> {
  await admin.transaction(async (trx) => {
    await trx.raw("select set_config('guardian.org_id', ?, true)", [orgId]);
    const last = await trx.raw<{ rows: Array<{ seq: string }> }>(
      'SELECT max(seq) AS seq FROM audit_log WHERE org_id = ?',
      [orgId],
    );
    for (let seq = from; seq <= Number(last.rows[0]?.seq); seq++) {
      await trx.raw(
        `UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE org_id = ? AND seq = ?)
         WHERE org_id = ? AND seq = ? AND seq > 1`,
        [orgId, seq - 1, orgId, seq],
      );
      await trx.raw(`UPDATE audit_log SET hash = ${ENTRY_HASH_SQL} WHERE org_id = ? AND seq = ?`, [
        orgId,
        seq,
      ]);
    }
    await trx.raw(
      `UPDATE audit_heads SET (seq, hash) = (SELECT seq, hash FROM audit_log WHERE org_id = ? ORDER BY seq DESC LIMIT 1)
       WHERE org_id = ?`,
      [orgId, orgId],
    );
  });
}

describe('platform audit: the hash chain', () => {
  const db = connect(stackEnv('DATABASE_URL'), { max: 20 });
  const admin = connect(stackEnv('DATABASE_ADMIN_URL'), { max: 2 });
  const key = checkpointKey(randomBytes(32));
  const audit = new AuditLog({ db, key, clock: systemClock });
  const event = (orgId: string, i: number) => ({
    orgId,
    actor: `user-${i}`,
    action: 'test.event',
    target: `t${i}`,
    detail: { i, nested: { z: 1, a: [i] } },
  });

  /** A fresh org with `n` entries, appended concurrently (appends serialize on the chain head). */
  async function chain(n: number): Promise<string> {
    const orgId = uniqueName('it-audit');
    await Promise.all(Array.from({ length: n }, (_, i) => audit.append(event(orgId, i))));
    return orgId;
  }
  const kinds = async (orgId: string) => (await verifyChain(db, key, orgId)).problems.map((p) => p.kind);

  beforeAll(() => migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL')));
  afterAll(async () => {
    await db.destroy();
    await admin.destroy();
  });

  it('links concurrent appends into one gapless chain that verifies (positive control)', async () => {
    const n = 2 * CHECKPOINT_EVERY + 5;
    const orgId = await chain(n);
    const result = await verifyChain(db, key, orgId);
    expect(result).toMatchObject({ ok: true, entries: n, checkpoints: 2, problems: [] });
    expect(result.last.seq).toBe(n);
    const { entries } = await audit.list(orgId, { limit: n });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => n - i));
    for (const [i, entry] of entries.entries())
      expect(entry.prevHash).toBe(entries[i + 1]?.hash ?? '0'.repeat(64));
  });

  it('detects an edited entry', async () => {
    const orgId = await chain(12);
    await asOwner(admin, orgId, `UPDATE audit_log SET detail = '{"i": 99}' WHERE org_id = ? AND seq = 5`, [
      orgId,
    ]);
    expect(await kinds(orgId)).toEqual(['altered']);
    const actor = await chain(12);
    await asOwner(admin, actor, `UPDATE audit_log SET actor = 'someone-else' WHERE org_id = ? AND seq = 12`, [
      actor,
    ]);
    expect(await kinds(actor)).toEqual(['altered']);
  });

  it('detects a deleted entry', async () => {
    const orgId = await chain(12);
    await asOwner(admin, orgId, 'DELETE FROM audit_log WHERE org_id = ? AND seq = 7', [orgId]);
    expect(await kinds(orgId)).toEqual(['gap', 'broken-link']);
  });

  it('detects a reordering, even with sequence numbers swapped back into place', async () => {
    const orgId = await chain(12);
    // Entries 3 and 4 trade places (through a free seq: the primary key is checked per row).
    await asOwner(admin, orgId, 'UPDATE audit_log SET seq = 1000000 WHERE org_id = ? AND seq = 3', [orgId]);
    await asOwner(admin, orgId, 'UPDATE audit_log SET seq = 3 WHERE org_id = ? AND seq = 4', [orgId]);
    await asOwner(admin, orgId, 'UPDATE audit_log SET seq = 4 WHERE org_id = ? AND seq = 1000000', [orgId]);
    const problems = await kinds(orgId);
    expect(problems).toContain('altered');
    expect(problems).toContain('broken-link');
  });

  /** The head moved back to entry `seq` (its hash, not its signature: that needs the key). */
  const rewindHead = (orgId: string, seq: number) =>
    asOwner(
      admin,
      orgId,
      'UPDATE audit_heads SET seq = ?, hash = (SELECT hash FROM audit_log WHERE org_id = ? AND seq = ?) WHERE org_id = ?',
      [seq, orgId, seq, orgId],
    );

  it('detects a removed tail through the signed checkpoint and the signed head', async () => {
    const orgId = await chain(2 * CHECKPOINT_EVERY + 5);
    expect(await kinds(orgId)).toEqual([]);
    const cut = CHECKPOINT_EVERY + 50;
    await asOwner(admin, orgId, 'DELETE FROM audit_log WHERE org_id = ? AND seq > ?', [orgId, cut]);
    await rewindHead(orgId, cut);
    expect(await kinds(orgId)).toEqual(['head-forged', 'truncated']);
  });

  it('detects a removed tail whose checkpoints were removed too, through the signed head', async () => {
    const orgId = await chain(2 * CHECKPOINT_EVERY + 5);
    expect(await kinds(orgId)).toEqual([]);
    const cut = CHECKPOINT_EVERY + 50;
    await asOwner(admin, orgId, 'DELETE FROM audit_log WHERE org_id = ? AND seq > ?', [orgId, cut]);
    await asOwner(admin, orgId, 'DELETE FROM audit_checkpoints WHERE org_id = ? AND seq > ?', [orgId, cut]);
    await rewindHead(orgId, cut);
    expect(await kinds(orgId)).toEqual(['head-forged']);
  });

  it('detects a rewritten newest entry, rehashed with its head, in a chain shorter than a checkpoint', async () => {
    const orgId = await chain(12);
    expect(await kinds(orgId)).toEqual([]);
    await asOwner(admin, orgId, `UPDATE audit_log SET actor = 'someone-else' WHERE org_id = ? AND seq = 12`, [
      orgId,
    ]);
    await rehashFrom(admin, orgId, 12);
    expect(await kinds(orgId)).toEqual(['head-forged']);
  });

  it('requires a checkpoint at every multiple of the interval, even when the chain was rehashed', async () => {
    const orgId = await chain(2 * CHECKPOINT_EVERY + 5);
    expect(await kinds(orgId)).toEqual([]);
    await asOwner(admin, orgId, 'DELETE FROM audit_checkpoints WHERE org_id = ? AND seq = ?', [
      orgId,
      CHECKPOINT_EVERY,
    ]);
    expect(await verifyChain(db, key, orgId)).toMatchObject({
      ok: false,
      problems: [{ seq: CHECKPOINT_EVERY, kind: 'checkpoint-missing' }],
    });
    await asOwner(admin, orgId, 'DELETE FROM audit_checkpoints WHERE org_id = ?', [orgId]);
    await asOwner(admin, orgId, `UPDATE audit_log SET detail = '{"i": 99}' WHERE org_id = ? AND seq = 5`, [
      orgId,
    ]);
    await rehashFrom(admin, orgId, 5);
    expect(await kinds(orgId)).toEqual(['checkpoint-missing', 'checkpoint-missing', 'head-forged']);
  });

  it('detects a forged checkpoint', async () => {
    const orgId = await chain(CHECKPOINT_EVERY);
    expect(await kinds(orgId)).toEqual([]);
    await asOwner(
      admin,
      orgId,
      "UPDATE audit_checkpoints SET signature = repeat('0', 64) WHERE org_id = ? AND seq = ?",
      [orgId, CHECKPOINT_EVERY],
    );
    expect(await kinds(orgId)).toEqual(['checkpoint-forged']);
  });

  it('never reports tampering because of appends landing during verification, and still finds it', async () => {
    const orgId = await chain(CHECKPOINT_EVERY - 20);
    let writing = true;
    let appended = 0;
    const writer = async () => {
      while (writing) await audit.append(event(orgId, appended++));
    };
    const writers = Promise.all([writer(), writer(), writer()]);
    const seen: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const result = await verifyChain(db, key, orgId);
        expect(result.problems).toEqual([]);
        seen.push(result.last.seq);
      }
    } finally {
      writing = false;
      await writers;
    }
    // The appends did land between verifications, and past a checkpoint.
    expect(new Set(seen).size).toBeGreaterThan(10);
    expect(seen.at(-1)).toBeGreaterThan(CHECKPOINT_EVERY);
    expect(await kinds(orgId)).toEqual([]);
    await asOwner(admin, orgId, `UPDATE audit_log SET target = 'x' WHERE org_id = ? AND seq = 3`, [orgId]);
    expect(await kinds(orgId)).toEqual(['altered']);
  });

  it('gives the app role no way to rewrite history', async () => {
    const orgId = await chain(3);
    for (const sql of [
      'UPDATE audit_log SET actor = ? WHERE org_id = ?',
      'DELETE FROM audit_log WHERE actor <> ? AND org_id = ?',
      'DELETE FROM audit_checkpoints WHERE org_id <> ? AND org_id = ?',
    ]) {
      await expect(
        db.transaction(async (trx) => {
          await trx.raw("select set_config('guardian.org_id', ?, true)", [orgId]);
          await trx.raw(sql, ['x', orgId]);
        }),
      ).rejects.toThrow(/permission denied/);
    }
    expect((await verifyChain(db, key, orgId)).ok).toBe(true);
  });

  it('filters and pages entries, newest first', async () => {
    const orgId = uniqueName('it-audit');
    for (let i = 0; i < 7; i++) {
      await audit.append({ orgId, actor: i % 2 ? 'alice' : 'bob', action: i < 4 ? 'a.one' : 'a.two' });
    }
    const first = await audit.list(orgId, { limit: 3 });
    expect(first.entries.map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(first.nextBefore).toBe(5);
    const second = await audit.list(orgId, { limit: 3, before: 5 });
    expect(second.entries.map((e) => e.seq)).toEqual([4, 3, 2]);
    expect((await audit.list(orgId, { limit: 100, actor: 'alice' })).entries.map((e) => e.seq)).toEqual([
      6, 4, 2,
    ]);
    expect((await audit.list(orgId, { limit: 100, action: 'a.two' })).entries.map((e) => e.seq)).toEqual([
      7, 6, 5,
    ]);
    const future = new Date(Date.now() + 60_000);
    expect((await audit.list(orgId, { limit: 100, since: future })).entries).toEqual([]);
    expect((await audit.list(orgId, { limit: 100, until: future })).entries).toHaveLength(7);
  });
});
