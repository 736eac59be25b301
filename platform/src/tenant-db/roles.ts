import type pg from 'pg';

/**
 * Makes the connected role (the provisioning role) able to act as `role`: CREATE DATABASE ...
 * OWNER, DROP DATABASE, REASSIGN OWNED and SET ROLE need its privileges. Checked as USAGE
 * (membership that inherits), not bare membership: from Postgres 16 a CREATEROLE role is made an
 * ADMIN-only member of what it creates, which is not enough. `role` must be a checked name.
 */
export async function actAs(db: pg.Pool, role: string, escaped: string): Promise<void> {
  const { rows } = await db.query<{ usage: boolean }>('select pg_has_role(current_user, $1, $2) as usage', [
    role,
    'USAGE',
  ]);
  if (!rows[0]?.usage) await db.query(`GRANT ${escaped} TO CURRENT_USER`);
}

/** Runs `work`, treating the SQLSTATE `code` (e.g. 42P04: it exists already) as success. */
export async function ignoring(code: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if ((error as { code?: string }).code !== code) throw error;
  }
}
