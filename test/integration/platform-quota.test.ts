import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrate } from '../../platform/src/db.ts';
import { consume, usage } from '../../platform/src/quota/index.ts';
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
});
