import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Knex, migrate } from '../../platform/src/db.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { uniqueName } from '../support/kube.ts';
import { seededTables, seedTenantRows } from '../support/platform-rls.ts';
import { stackEnv } from '../support/stack.ts';

/**
 * Row level security is the second wall between tenants: a query that forgets its organization
 * must see nothing, not everything. Raw SQL, as the app role and as the owner.
 */
/** Tables with an org_id column that hold no tenant's data, and why. */
const NOT_TENANT_DATA: Record<string, string> = {
  // A login in flight names the organization it is for, before anyone is authenticated; it is
  // found only by the hash of its secret cookie and lives ten minutes.
  pending_logins: 'pre-authentication state',
};

describe('platform database row level security', () => {
  const orgA = uniqueName('it-rls-a');
  const orgB = uniqueName('it-rls-b');
  let app: Knex;
  let owner: Knex;
  let tables: string[];

  beforeAll(async () => {
    await migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL'));
    app = connect(stackEnv('DATABASE_URL'), { max: 2 });
    owner = connect(stackEnv('DATABASE_ADMIN_URL'), { max: 2 });
    const rows = await owner('information_schema.columns')
      .where({ table_schema: 'public', column_name: 'org_id' })
      .select('table_name');
    tables = rows
      .map((row: { table_name: string }) => row.table_name)
      .filter((table: string) => !(table in NOT_TENANT_DATA))
      .sort();
    for (const orgId of [orgA, orgB]) await seedTenantRows(app, orgId);
  });
  afterAll(async () => {
    for (const orgId of [orgA, orgB]) {
      for (const table of seededTables()) {
        await withTenant(app, { orgId }, (trx) => trx(table).where({ org_id: orgId }).delete());
      }
    }
    await app?.destroy();
    await owner?.destroy();
  });

  it('knows every org-scoped table, each with ENABLE and FORCE row level security and a policy', async () => {
    for (const table of seededTables()) expect(tables).toContain(table);
    const flags = await owner('pg_class')
      .join('pg_namespace', 'pg_namespace.oid', 'pg_class.relnamespace')
      .where('pg_namespace.nspname', 'public')
      .whereIn('relname', tables)
      .select('relname', 'relrowsecurity', 'relforcerowsecurity');
    for (const table of tables) {
      expect(
        flags.find((row: { relname: string }) => row.relname === table),
        table,
      ).toMatchObject({
        relrowsecurity: true,
        relforcerowsecurity: true,
      });
      const policies = await owner('pg_policies').where({ schemaname: 'public', tablename: table });
      expect(policies.length, `${table} has a policy`).toBeGreaterThan(0);
    }
    // The app role cannot simply step around the policies.
    const role = await app.raw('select rolbypassrls, rolsuper from pg_roles where rolname = current_user');
    expect(role.rows[0]).toEqual({ rolbypassrls: false, rolsuper: false });
  });

  it('shows nothing without the organization setting, and only that organization’s rows with it', async () => {
    for (const table of tables) {
      // Positive control first: the rows are there and the setting finds them, and only them.
      const mine = await withTenant(app, { orgId: orgA }, (trx) => trx(table).select('org_id'));
      if (seededTables().includes(table)) expect(mine.length, `${table} rows of ${orgA}`).toBeGreaterThan(0);
      for (const row of mine) expect((row as { org_id: string }).org_id).toBe(orgA);
      // Without it: nothing, for the app role and for the tables' owner alike (FORCE).
      for (const db of [app, owner]) {
        const bare = await db.raw('select count(*)::int as n from ??', [table]);
        expect(bare.rows[0].n, `${table} without a setting`).toBe(0);
        const other = await db.transaction(async (trx) => {
          await trx.raw("select set_config('guardian.org_id', ?, true)", [randomUUID()]);
          const result = await trx.raw('select count(*)::int as n from ??', [table]);
          return (result.rows as { n: number }[])[0]?.n;
        });
        expect(other, `${table} for an unknown org`).toBe(0);
      }
    }
    for (const table of seededTables()) {
      // Nor can one organization's context change another's rows (which exist: they were seeded).
      const cross = withTenant(app, { orgId: orgA }, (trx) =>
        trx(table).where({ org_id: orgB }).update({ org_id: orgB }),
      );
      expect(await cross).toBe(0);
    }
  });

  it('refuses to insert a row for another organization than the one set', async () => {
    const userId = await withTenant(app, { orgId: orgA }, async (trx) => {
      const [user] = await trx('users')
        .insert({ issuer: 'https://it.invalid', subject: randomUUID() })
        .returning('id');
      return (user as { id: string }).id;
    });
    const insert = (orgId: string) =>
      withTenant(app, { orgId: orgA }, (trx) =>
        trx('memberships').insert({ org_id: orgId, user_id: userId, role: 'read_only', source: 'manual' }),
      );
    await expect(insert(orgB)).rejects.toThrow(/row-level security/);
    await expect(insert(orgA)).resolves.toBeDefined();
  });
});
