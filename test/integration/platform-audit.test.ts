import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, checkpointKey, verifyChain } from '../../platform/src/audit/index.ts';
import { connect, type Knex, migrate } from '../../platform/src/db.ts';
import { systemClock } from '../../platform/src/kube/clock.ts';
import { uniqueName } from '../support/kube.ts';
import { stackEnv } from '../support/stack.ts';

/** Tampering as the table owner would (row level security binds it too, so it names the org). */
function asOwner(admin: Knex, orgId: string, sql: string, bindings: Array<string | number> = []) {
  return admin.transaction(async (trx) => {
    await trx.raw("select set_config('guardian.org_id', ?, true)", [orgId]);
    await trx.raw(sql, bindings);
  });
}

describe('platform audit: the hash chain', () => {
  const db = connect(stackEnv('DATABASE_URL'), { max: 20 });
  const admin = connect(stackEnv('DATABASE_ADMIN_URL'), { max: 2 });
  const key = checkpointKey(randomBytes(32));
  const audit = new AuditLog({ db, key, clock: systemClock, checkpointEvery: 10 });

  /** A fresh org with `n` entries, appended concurrently (appends serialize on the chain head). */
  async function chain(n: number): Promise<string> {
    const orgId = uniqueName('it-audit');
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        audit.append({
          orgId,
          actor: `user-${i}`,
          action: 'test.event',
          target: `t${i}`,
          detail: { i, nested: { z: 1, a: [i] } },
        }),
      ),
    );
    return orgId;
  }
  const kinds = async (orgId: string) => (await verifyChain(db, key, orgId)).problems.map((p) => p.kind);

  beforeAll(() => migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL')));
  afterAll(async () => {
    await db.destroy();
    await admin.destroy();
  });

  it('links concurrent appends into one gapless chain that verifies (positive control)', async () => {
    const orgId = await chain(25);
    const result = await verifyChain(db, key, orgId);
    expect(result).toMatchObject({ ok: true, entries: 25, checkpoints: 2, problems: [] });
    expect(result.last.seq).toBe(25);
    const { entries } = await audit.list(orgId, { limit: 100 });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
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

  it('detects a removed tail through the signed checkpoint, even with the head rewound', async () => {
    const orgId = await chain(25);
    await asOwner(admin, orgId, 'DELETE FROM audit_log WHERE org_id = ? AND seq > 15', [orgId]);
    await asOwner(
      admin,
      orgId,
      'UPDATE audit_heads SET seq = 15, hash = (SELECT hash FROM audit_log WHERE org_id = ? AND seq = 15) WHERE org_id = ?',
      [orgId, orgId],
    );
    expect(await kinds(orgId)).toEqual(['truncated']);
  });

  it('detects a forged checkpoint', async () => {
    const orgId = await chain(20);
    await asOwner(
      admin,
      orgId,
      "UPDATE audit_checkpoints SET signature = repeat('0', 64) WHERE org_id = ? AND seq = 20",
      [orgId],
    );
    expect(await kinds(orgId)).toEqual(['checkpoint-forged']);
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
