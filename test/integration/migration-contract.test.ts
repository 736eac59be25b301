// Expand, then contract (scripts/migration-contract.ts), checked on a real database: every
// platform and tenant migration runs in order on an empty database, and the columns and tables
// each one removes (a rename removes the old name) must be a declared contract step of an expand
// the previous release (charts/guardian/UPGRADE_FROM) shipped.
import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { PLATFORM_MIGRATIONS, platformMigrations } from '../../platform/src/migrations/index.ts';
import { migrateLatest } from '../../platform/src/migrations/latest.ts';
import { tenantMigrationSource } from '../../platform/src/tenant-db/migrations.ts';
import {
  contractViolations,
  type Removal,
  removedColumns,
  type Schema,
  shippedMigrations,
  upgradeFrom,
} from '../../scripts/migration-contract.ts';
import { onServer, serverUrl } from '../support/tenant-db.ts';

const suffix = randomBytes(4).toString('hex');
const appRole = `guardian_contract_app_${suffix}`;
const databases: string[] = [];

async function columns(db: Knex): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ name: string }> }>(
    `select table_name || '.' || column_name as name from information_schema.columns
      where table_schema = 'public' and table_name not like 'knex\\_%'`,
  );
  return rows.map((row) => row.name);
}

/** Runs every migration of `source` one at a time on a new database; what each removed. */
async function removalsOf(schema: Schema, source: Knex.MigrationSource<unknown>): Promise<Removal[]> {
  const name = `guardian_contract_${schema}_${suffix}`;
  databases.push(name);
  await onServer('pg1', `CREATE DATABASE ${name}`);
  const db = knex({ client: 'pg', connection: serverUrl('pg1', name), pool: { min: 0, max: 1 } });
  try {
    const removals: Removal[] = [];
    for (;;) {
      const before = await columns(db);
      const [, ran] = (await db.migrate.up({ migrationSource: source })) as [number, string[]];
      const [migration] = ran;
      if (!migration) return removals;
      removals.push({ schema, migration, removed: removedColumns(before, await columns(db)) });
    }
  } finally {
    await db.destroy();
  }
}

describe('migrations keep expand/contract', () => {
  afterAll(async () => {
    for (const name of databases) await onServer('pg1', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await onServer('pg1', `DROP ROLE IF EXISTS ${appRole}`);
  });

  it('no migration since the previous release drops or renames what that release reads', async () => {
    await onServer('pg1', `CREATE ROLE ${appRole} NOLOGIN`);
    const platform = await removalsOf('platform', platformMigrations(appRole));
    const tenant = await removalsOf('tenant', tenantMigrationSource);
    // Every migration ran, and the comparison sees a real drop: tenant 0002 replaced two
    // placeholder tables before the first release (history, shipped).
    expect(platform.length).toBeGreaterThanOrEqual(11);
    expect(tenant.find((r) => r.migration === '0002_agent_runs')?.removed).toEqual(
      expect.arrayContaining(['agent_runs.id', 'findings.id']),
    );
    const shipped = shippedMigrations(upgradeFrom());
    expect(shipped.tenant.has('0002_agent_runs')).toBe(true);
    expect(contractViolations([...platform, ...tenant], shipped)).toEqual([]);
    // The same removals, had they not shipped yet, would be refused.
    const none = { platform: new Set<string>(), tenant: new Set<string>() };
    expect(contractViolations(tenant, none)).toEqual([
      expect.stringContaining('tenant migration 0002_agent_runs drops or renames agent_runs.agent'),
    ]);
  });

  it("lets the previous release's migrate run on a database the next release migrated, and refuses a gap among its own", async () => {
    const name = databases.find((d) => d.includes('_platform_')) ?? '';
    const db = knex({ client: 'pg', connection: serverUrl('pg1', name), pool: { min: 0, max: 1 } });
    const source = platformMigrations(appRole);
    try {
      // Up to date: nothing to apply.
      expect(await migrateLatest(db, source, PLATFORM_MIGRATIONS)).toEqual([]);
      // A migration of the next release (knex alone calls the directory corrupt here).
      await db('knex_migrations').insert({
        name: '9999_next_release',
        batch: 99,
        migration_time: new Date(),
      });
      await expect(db.migrate.latest({ migrationSource: source })).rejects.toThrow(/corrupt/);
      expect(await migrateLatest(db, source, PLATFORM_MIGRATIONS)).toEqual([]);
      // One this release should know but does not (renamed or removed): refused.
      await db('knex_migrations').insert({ name: '0050_renamed', batch: 99, migration_time: new Date() });
      await expect(migrateLatest(db, source, PLATFORM_MIGRATIONS)).rejects.toThrow(
        'does not know among its own: 0050_renamed',
      );
    } finally {
      await db.destroy();
    }
  });
});
