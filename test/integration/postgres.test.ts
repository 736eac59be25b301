import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type Knex, migrate } from '../../platform/src/db.ts';
import { stackEnv } from '../support/stack.ts';

const adminUrl = stackEnv('DATABASE_ADMIN_URL');
const appUrl = stackEnv('DATABASE_URL');

describe('platform database', () => {
  const owner = connect(adminUrl, { max: 1 });
  const app = connect(appUrl, { max: 1 });
  afterAll(() => Promise.all([owner.destroy(), app.destroy()]));

  it('runs a migration as the owner; guardian_app then reads and writes its rows and owns nothing', async () => {
    await migrate(adminUrl, appUrl);
    const table = `it_probe_${randomBytes(4).toString('hex')}`;
    const probe = {
      name: `create_${table}`,
      up: (db: typeof owner) =>
        db.schema.createTable(table, (t) => {
          t.increments('id');
          t.text('note');
        }),
      down: (db: typeof owner) => db.schema.dropTable(table),
    };
    const migrationSource: Knex.MigrationSource<typeof probe> = {
      getMigrations: async () => [probe],
      getMigrationName: (m) => m.name,
      getMigration: async (m) => m,
    };
    await owner.migrate.latest({ tableName: `migrations_${table}`, migrationSource });
    try {
      await app(table).insert({ note: 'written by guardian_app' });
      expect(await app(table).select('note')).toEqual([{ note: 'written by guardian_app' }]);

      const role = await app.raw(
        'select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user',
      );
      expect(role.rows).toEqual([{ name: 'guardian_app', rolsuper: false, rolbypassrls: false }]);
      const tableOwner = await app.raw('select tableowner from pg_tables where tablename = ?', [table]);
      expect(tableOwner.rows).toEqual([{ tableowner: 'guardian_owner' }]);
      await expect(app.raw('create table app_may_not_create (id int)')).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await owner.schema.dropTable(table);
      await owner.schema.dropTable(`migrations_${table}`);
      await owner.schema.dropTableIfExists(`migrations_${table}_lock`);
    }
  });

  it('refuses a wrong password (scram-sha-256), and accepts the right one', async () => {
    const right = new pg.Client({ connectionString: appUrl });
    await right.connect();
    await right.end();

    const wrong = new URL(appUrl);
    wrong.password = 'not-the-password';
    const client = new pg.Client({ connectionString: wrong.toString() });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });
});

describe('tenant database servers', () => {
  const servers = stackEnv('TENANT_DB_SERVERS')
    .split(',')
    .map((entry) => entry.split(/=(.*)/s) as [string, string]);

  it('lists two servers, each reachable by the provisioning role', async () => {
    expect(servers.map(([name]) => name)).toEqual(['pg1', 'pg2']);
    const identities = new Set<string>();
    for (const [, url] of servers) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(
          `select rolsuper, rolcreatedb, rolcreaterole, (select system_identifier::text from pg_control_system()) as id
           from pg_roles where rolname = current_user`,
        );
        expect(rows[0]).toMatchObject({ rolsuper: false, rolcreatedb: true, rolcreaterole: true });
        identities.add(rows[0].id);
      } finally {
        await client.end();
      }
    }
    expect(identities.size).toBe(2);
  });
});
