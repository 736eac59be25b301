import knex, { type Knex } from 'knex';
import { PLATFORM_MIGRATIONS, platformMigrations } from './migrations/index.ts';
import { migrateLatest } from './migrations/latest.ts';

export { PLATFORM_MIGRATIONS } from './migrations/index.ts';
export type { Knex };

export function connect(url: string, pool: { min?: number; max?: number } = {}): Knex {
  // compileSqlOnError off: an error's message carries the statement with placeholders, never the
  // bound values (PKCE verifiers, invitation links) that would otherwise reach the logs.
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: 10, ...pool },
    compileSqlOnError: false,
  });
}

/** The role a connection URL logs in as. */
export function roleOf(url: string): string {
  const role = decodeURIComponent(new URL(url).username);
  if (!role) throw new Error('The database URL names no role');
  return role;
}

/**
 * Brings the platform database up to date. Runs as the owner role (`adminUrl`); the app role
 * (the one in `appUrl`) is granted row access to what the migrations create.
 * Returns the names of the migrations it applied.
 */
export async function migrate(adminUrl: string, appUrl: string): Promise<string[]> {
  const db = connect(adminUrl, { max: 1 });
  try {
    return await migrateLatest(db, platformMigrations(roleOf(appUrl)), PLATFORM_MIGRATIONS);
  } finally {
    await db.destroy();
  }
}
