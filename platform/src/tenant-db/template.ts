import knex from 'knex';
import pg from 'pg';
import { migrateSchema, TENANT_MIGRATIONS } from './migrations.ts';
import { actAs, ignoring } from './roles.ts';

/**
 * Each server's template: a database holding the current tenant schema, cloned by CREATE
 * DATABASE ... TEMPLATE so that a new tenant starts migrated (a file copy instead of a schema built
 * statement by statement). Its tables belong to TEMPLATE_ROLE, a role that cannot log in; a clone's
 * tables are handed to the tenant role at once (REASSIGN OWNED). The template itself belongs to the
 * provisioning role and is closed to PUBLIC.
 */
export const TEMPLATE_DATABASE = 'guardian_tenant_template';
export const TEMPLATE_ROLE = 'guardian_tenant_schema';

/** The template's schema version, kept in its comment so it is read without connecting to it (a clone needs it idle). */
const VERSION_MARK = 'guardian.aiops.dev/tenant-schema=';
const LATEST = `${VERSION_MARK}${TENANT_MIGRATIONS.at(-1)}`;

const role = pg.escapeIdentifier(TEMPLATE_ROLE);
const database = pg.escapeIdentifier(TEMPLATE_DATABASE);

/**
 * Creates or updates the template of the server `db` (the provisioning role's pool) reaches;
 * `url` is the provisioning role's URL of the template database. Idempotent and safe to race.
 * Returns how to clone it: `TEMPLATE ... STRATEGY FILE_COPY`, since copying the files costs the
 * server a fraction of the CPU of WAL-logging every block of the copy (Postgres 15's default),
 * at the price of a checkpoint; servers before 15 know only the file copy and no STRATEGY.
 */
export async function prepareTemplate(db: pg.Pool, url: string): Promise<string> {
  const version = await db.query<{ server_version_num: string }>('show server_version_num');
  const clone = `TEMPLATE ${database}${Number(version.rows[0]?.server_version_num) >= 150_000 ? ' STRATEGY FILE_COPY' : ''}`;
  const { rows } = await db.query<{ comment: string | null }>(
    `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
    [TEMPLATE_DATABASE],
  );
  if (rows[0]?.comment === LATEST) return clone;
  const roles = await db.query('select 1 from pg_roles where rolname = $1', [TEMPLATE_ROLE]);
  if (roles.rowCount === 0) await ignoring('42710', () => db.query(`CREATE ROLE ${role} NOLOGIN`));
  await actAs(db, TEMPLATE_ROLE, role);
  if (rows.length === 0) {
    await ignoring('42P04', () => db.query(`CREATE DATABASE ${database}`));
    await db.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
  }
  const template = knex({
    client: 'pg',
    connection: url,
    pool: {
      min: 0,
      max: 1,
      // The schema is built as TEMPLATE_ROLE, so that a clone's tables are handed over in one statement.
      afterCreate: (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) =>
        connection.query(`GRANT CREATE ON SCHEMA public TO ${role}; SET ROLE ${role}`).then(
          () => done(null, connection),
          (error: Error) => done(error, connection),
        ),
    },
  });
  try {
    await migrateSchema(template);
  } finally {
    await template.destroy();
  }
  await db.query(`COMMENT ON DATABASE ${database} IS ${pg.escapeLiteral(LATEST)}`);
  return clone;
}

/** SQL that, run inside a fresh clone as the provisioning role, hands its schema to the tenant role. */
export function adoptionSql(tenantRole: string): string {
  return `REASSIGN OWNED BY ${role} TO ${pg.escapeIdentifier(tenantRole)}; REVOKE ALL ON SCHEMA public FROM ${role}`;
}
