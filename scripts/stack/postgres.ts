import { chownSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensurePackages, postgresBin } from './packages.ts';
import { type RunAs, run, waitFor } from './process.ts';
import type { Stack } from './stack.ts';

/** The stack always runs two Postgres servers: the platform database lives on the first. */
export const POSTGRES_SERVERS = ['pg1', 'pg2'] as const;
type Server = (typeof POSTGRES_SERVERS)[number];

export interface PostgresEndpoint {
  server: Server;
  port: number;
}

async function postgresUser(): Promise<RunAs> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Postgres refuses to run as root, so it runs as `postgres`, which must be able to reach its data
 * folder. Where the checkout sits under a folder closed to other users, the data goes to a
 * per-stack folder in the temporary directory instead, linked from the stack folder.
 */
async function dataDir(stack: Stack, server: Server, user: RunAs): Promise<string> {
  const inStack = stack.path('postgres', server);
  const reachable = await run('test', ['-x', stack.dir], { user }).then(
    () => true,
    () => false,
  );
  if (reachable) return inStack;
  const outside = join(tmpdir(), `guardian-${stack.secret('stack-id')}`, server);
  mkdirSync(stack.path('postgres'), { recursive: true });
  if (!existsSync(inStack)) symlinkSync(outside, inStack);
  return outside;
}

export async function startPostgres(stack: Stack, server: Server): Promise<PostgresEndpoint> {
  await ensurePackages({ postgresql: () => postgresBin() !== undefined });
  const bin = postgresBin() as string;
  const user = await postgresUser();
  const running = stack.isRunning(server);
  const port = await stack.port(server, running);
  if (running) return { server, port };

  const data = await dataDir(stack, server, user);
  if (!existsSync(join(data, 'PG_VERSION'))) {
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true });
    chownSync(data, user.uid, user.gid);
    const pwfile = join(data, '..', `${server}.pw`);
    writeFileSync(pwfile, stack.secret('postgres-postgres'), { mode: 0o600 });
    chownSync(pwfile, user.uid, user.gid);
    try {
      await run(
        `${bin}/initdb`,
        [
          '-D',
          data,
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${pwfile}`,
          '-E',
          'UTF8',
          '--no-instructions',
        ],
        { user },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${data}`,
    'max_connections=300',
    'password_encryption=scram-sha-256',
    // Tests trade durability for speed; the data is thrown away anyway.
    ...(stack.forTests ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  stack.start(server, `${bin}/postgres`, ['-D', data, ...settings.flatMap((s) => ['-c', s])], { user });
  await waitFor(
    `postgres ${server}`,
    () => run(`${bin}/pg_isready`, ['-q', '-h', '127.0.0.1', '-p', String(port)]).then(() => true),
    { timeoutMs: 30_000, isRunning: () => stack.isRunning(server) },
  );
  return { server, port };
}

export const ROLES = {
  owner: 'guardian_owner',
  app: 'guardian_app',
  provisioner: 'guardian_provisioner',
  backup: 'guardian_backup',
} as const;

export function url(stack: Stack, endpoint: PostgresEndpoint, role: string, database: string): string {
  const password = stack.secret(`postgres-${role}`);
  return `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:${endpoint.port}/${database}`;
}

/**
 * Roles as a DBA would create them for Guardian: the owner runs migrations and owns the tables,
 * the app role only reads and writes rows (no BYPASSRLS), the provisioner creates tenant databases,
 * and the backup role reads everything (pg_read_all_data, BYPASSRLS: pg_dump refuses tables whose
 * row-level security would hide rows) and writes nothing.
 */
export async function bootstrapRoles(
  stack: Stack,
  endpoint: PostgresEndpoint,
  platformDb: boolean,
): Promise<void> {
  const client = new pg.Client({ connectionString: url(stack, endpoint, 'postgres', 'postgres') });
  await client.connect();
  try {
    const ensureRole = async (role: string, attributes: string) => {
      const password = stack.secret(`postgres-${role}`);
      const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
      const verb = exists.rowCount ? 'ALTER' : 'CREATE';
      await client.query(
        `${verb} ROLE ${role} WITH LOGIN ${attributes} PASSWORD ${client.escapeLiteral(password)}`,
      );
    };
    await ensureRole(ROLES.provisioner, 'CREATEDB CREATEROLE NOSUPERUSER NOBYPASSRLS');
    if (!platformDb) return;
    await ensureRole(ROLES.owner, 'NOSUPERUSER NOBYPASSRLS');
    await ensureRole(ROLES.app, 'NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE');
    await ensureRole(ROLES.backup, 'NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE');
    await client.query(`GRANT pg_read_all_data TO ${ROLES.backup}`);
    const db = await client.query(`select 1 from pg_database where datname = 'guardian'`);
    if (!db.rowCount) await client.query(`CREATE DATABASE guardian OWNER ${ROLES.owner}`);
    await client.query('REVOKE ALL ON DATABASE guardian FROM PUBLIC');
    await client.query(`GRANT CONNECT ON DATABASE guardian TO ${ROLES.app}, ${ROLES.backup}`);
  } finally {
    await client.end();
  }
}
