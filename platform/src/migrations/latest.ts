import type { Knex } from 'knex';

/**
 * knex's `migrate.latest`, safe during a rolling update. A database that the next release already
 * migrated holds migrations this release does not know; knex calls that a corrupt migration
 * directory and refuses, so an old pod restarted mid-roll (its init container, its first use of a
 * tenant database) would fail. Under expand/contract those newer migrations only added to the
 * schema (docs/operations/upgrades.md), so this release may run on it. Unknown migrations are
 * accepted only when they sort after every one this release knows (a newer release's); one among
 * them (renamed or removed) is still refused. Returns the migrations it applied.
 */
export async function migrateLatest(
  db: Knex,
  migrationSource: Knex.MigrationSource<unknown>,
  known: readonly string[],
): Promise<string[]> {
  if (await db.schema.hasTable('knex_migrations')) {
    const rows: Array<{ name: string }> = await db('knex_migrations').select('name');
    const last = [...known].sort().at(-1) ?? '';
    const misplaced = rows.map((row) => row.name).filter((name) => !known.includes(name) && name <= last);
    if (misplaced.length > 0)
      throw new Error(
        `The database holds migrations this release does not know among its own: ${misplaced.join(', ')}`,
      );
  }
  const [, applied] = (await db.migrate.latest({
    migrationSource,
    disableMigrationsListValidation: true,
  })) as [number, string[]];
  return applied;
}
