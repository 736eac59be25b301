import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrate } from '../../platform/src/db.ts';
import { consume, consumeAll, refund, usage, usageHistory } from '../../platform/src/quota/index.ts';
import { uniqueName } from '../support/kube.ts';
import { stackEnv } from '../support/stack.ts';

describe('platform quota: the usage ledger', () => {
  const db = connect(stackEnv('DATABASE_URL'), { max: 60 });
  const admin = connect(stackEnv('DATABASE_ADMIN_URL'), { max: 1 });
  beforeAll(() => migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL')));
  afterAll(async () => {
    await db.destroy();
    await admin.destroy();
  });

  it('lets 50 concurrent consumers take exactly a limit of 20, no more and no fewer', async () => {
    const org = uniqueName('it-quota');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => consume(db, org, 'workflows', randomUUID(), 20, '2026-01-01')),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
    expect(results.filter((r) => r.counted)).toHaveLength(20);
    expect(new Set(results.filter((r) => r.counted).map((r) => r.used))).toEqual(
      new Set(Array.from({ length: 20 }, (_, i) => i + 1)),
    );
    for (const refused of results.filter((r) => !r.allowed)) {
      expect(refused).toMatchObject({ used: 20, limit: 20, remaining: 0 });
    }
    expect(await usage(db, org, '2026-01-01')).toEqual({ workflows: 20, agent_executions: 0 });
    // Refused keys leave nothing in the ledger (checked as the owner, which RLS also binds: FORCE).
    const ledger = await admin.transaction(async (trx) => {
      await trx.raw("select set_config('guardian.org_id', ?, true)", [org]);
      return trx('usage_ledger').where({ org_id: org }).count<Array<{ count: string }>>('* as count');
    });
    expect(Number(ledger[0]?.count)).toBe(20);
  });

  it('counts a repeated key once, even when the repeats race', async () => {
    const org = uniqueName('it-quota');
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => consume(db, org, 'agent_executions', key, 5, '2026-02-01')),
    );
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(results.filter((r) => r.counted)).toHaveLength(1);
    const again = await consume(db, org, 'agent_executions', key, 5, '2026-02-01');
    expect(again).toMatchObject({ allowed: true, counted: false, used: 1, remaining: 4 });
    // Positive control: a new key does count.
    expect(await consume(db, org, 'agent_executions', randomUUID(), 5, '2026-02-01')).toMatchObject({
      allowed: true,
      counted: true,
      used: 2,
    });
  });

  it('counts unlimited plans without refusing, per org and per period', async () => {
    const org = uniqueName('it-quota');
    const other = uniqueName('it-quota');
    for (let i = 0; i < 3; i++) {
      expect(await consume(db, org, 'workflows', randomUUID(), null, '2026-03-01')).toMatchObject({
        allowed: true,
        counted: true,
        used: i + 1,
        limit: null,
        remaining: null,
      });
    }
    await consume(db, org, 'workflows', randomUUID(), null, '2026-04-01');
    await consume(db, other, 'workflows', randomUUID(), null, '2026-03-01');
    expect((await usage(db, org, '2026-03-01')).workflows).toBe(3);
    expect((await usage(db, org, '2026-04-01')).workflows).toBe(1);
    expect((await usage(db, other, '2026-03-01')).workflows).toBe(1);
  });

  it('lets a refused key through once the limit allows it (nothing was recorded for it)', async () => {
    const org = uniqueName('it-quota');
    expect((await consume(db, org, 'workflows', 'run-a', 1, '2026-05-01')).allowed).toBe(true);
    expect((await consume(db, org, 'workflows', 'run-b', 1, '2026-05-01')).allowed).toBe(false);
    expect((await consume(db, org, 'workflows', 'run-b', 2, '2026-05-01')).allowed).toBe(true);
    expect((await usage(db, org, '2026-05-01')).workflows).toBe(2);
  });

  it('keeps each organization’s ledger invisible to others (row level security)', async () => {
    const org = uniqueName('it-quota');
    await consume(db, org, 'workflows', 'run-x', null, '2026-06-01');
    const seen = await db.transaction(async (trx) => {
      await trx.raw("select set_config('guardian.org_id', ?, true)", ['it-someone-else']);
      return trx('usage_ledger').where({ org_id: org }).select('key');
    });
    expect(seen).toEqual([]);
    const own = await db.transaction(async (trx) => {
      await trx.raw("select set_config('guardian.org_id', ?, true)", [org]);
      return trx('usage_ledger').where({ org_id: org }).select('key');
    });
    expect(own).toEqual([{ key: 'run-x' }]);
  });

  /** The ledger's rows of `org` (as the owner, which RLS also binds: FORCE), key → units. */
  async function ledgerOf(org: string): Promise<Record<string, number>> {
    const rows = await admin.transaction(async (trx) => {
      await trx.raw("select set_config('guardian.org_id', ?, true)", [org]);
      return (await trx('usage_ledger').where({ org_id: org }).select('key', 'units')) as Array<{
        key: string;
        units: number;
      }>;
    });
    return Object.fromEntries(rows.map((r) => [r.key, r.units]));
  }

  it('lets 20 concurrent runs of 3 take exactly the 9 units left of a plan, each run whole or not at all', async () => {
    const org = uniqueName('it-quota');
    expect((await consume(db, org, 'agent_executions', 'earlier', 10, '2026-07-01')).used).toBe(1);
    const runs = Array.from({ length: 20 }, () => randomUUID());
    const keysOf = (run: string) => ['a', 'b', 'c'].map((agent) => `${run}:${agent}`);
    const results = await Promise.all(
      runs.map((run) => consumeAll(db, org, 'agent_executions', keysOf(run), 10, '2026-07-01')),
    );
    const admitted = runs.filter((_, i) => results[i]?.allowed);
    expect(admitted).toHaveLength(3);
    expect(results.filter((r) => r.allowed).map((r) => r.counted)).toEqual([3, 3, 3]);
    expect(new Set(results.filter((r) => r.allowed).map((r) => r.used))).toEqual(new Set([4, 7, 10]));
    for (const refused of results.filter((r) => !r.allowed)) {
      expect(refused).toMatchObject({ counted: 0, used: 10, limit: 10, remaining: 0 });
    }
    expect((await usage(db, org, '2026-07-01')).agent_executions).toBe(10);
    // The ledger holds every key of the admitted runs and none of the refused ones.
    const ledger = await ledgerOf(org);
    expect(Object.keys(ledger).sort()).toEqual(['earlier', ...admitted.flatMap(keysOf)].sort());
    // A run that would fit only in part is refused whole: 0 left, one unit asked is too many too.
    expect(
      await consumeAll(db, org, 'agent_executions', [`${randomUUID()}:a`], 10, '2026-07-01'),
    ).toMatchObject({ allowed: false, counted: 0 });
    // A repeated batch is allowed again without counting (a retried request).
    const [first] = admitted;
    expect(
      await consumeAll(db, org, 'agent_executions', keysOf(first ?? ''), 10, '2026-07-01'),
    ).toMatchObject({
      allowed: true,
      counted: 0,
      used: 10,
    });
  });

  it('refunds a unit by a compensating ledger row, once, in the period it was taken from', async () => {
    const org = uniqueName('it-quota');
    const created = '2026-08-01T00:00:00Z';
    const taken = new Date('2026-08-10T10:00:00Z');
    const batch = await consumeAll(db, org, 'agent_executions', ['run:a', 'run:b'], 2, '2026-08-01', taken);
    expect(batch).toMatchObject({ allowed: true, counted: 2, used: 2, remaining: 0 });
    // Refunded after the period ended: the unit goes back to August, where it was taken.
    const later = new Date('2026-09-02T10:00:00Z');
    expect(await refund(db, org, 'agent_executions', 'run:b', later)).toBe(true);
    expect(await refund(db, org, 'agent_executions', 'run:b', later)).toBe(false);
    expect(await refund(db, org, 'agent_executions', 'never-taken', later)).toBe(false);
    expect(await usage(db, org, '2026-08-01')).toEqual({ agent_executions: 1, workflows: 0 });
    expect(await usage(db, org, '2026-09-01')).toEqual({ agent_executions: 0, workflows: 0 });
    // Insert-only: the unit taken stays, beside its refund.
    expect(await ledgerOf(org)).toEqual({ 'run:a': 1, 'run:b': 1, 'run:b:refund': -1 });
    // The usage history counts the refund too (the same figure the limit was enforced on).
    const history = await usageHistory(
      db,
      {
        apiVersion: 'guardian.aiops.dev/v1alpha1',
        kind: 'Organization',
        metadata: { name: org, creationTimestamp: created },
        spec: { displayName: org, plan: 'starter' },
      },
      new Date('2026-08-20T00:00:00Z'),
      1,
    );
    expect(history.periods.map((p) => p.used.agent_executions)).toEqual([1]);
    // Per day, the refund counts on the day of the unit it gives back (no day goes below zero).
    expect(history.days.filter((day) => day.used.agent_executions !== 0)).toEqual([
      { date: '2026-08-10', used: { agent_executions: 1, workflows: 0 } },
    ]);
    // And the unit given back may be taken again.
    expect((await consumeAll(db, org, 'agent_executions', ['run2:a'], 2, '2026-08-01', taken)).allowed).toBe(
      true,
    );
  });
});
