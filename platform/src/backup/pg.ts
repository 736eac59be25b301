import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import pg from 'pg';

/**
 * The PostgreSQL client tools, pg_dump, pg_restore and psql, from PATH (the image's
 * postgresql-client, whose major version must be at least the servers'). Credentials go in the
 * environment (PGPASSWORD, ...), never on a command line `ps` shows.
 */
function environment(url: string): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  return {
    PATH: process.env.PATH,
    PGHOST: parsed.hostname,
    PGPORT: parsed.port || '5432',
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)),
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
    PGSSLMODE: parsed.searchParams.get('sslmode') ?? 'prefer',
    PGAPPNAME: 'guardian-backup',
    PGCONNECT_TIMEOUT: '15',
  };
}

/** A running tool: its output, and its exit (rejecting with its last error lines). */
export interface Tool {
  stdin: Writable;
  stdout: Readable;
  exited: Promise<void>;
  kill(): void;
}

function run(command: string, args: string[], url: string): Tool {
  const child: ChildProcess = spawn(command, args, {
    env: environment(url),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`Could not run ${command}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const lines = stderr.trim().split('\n').slice(-5).join('; ');
        reject(new Error(`${command} failed (${signal ?? `exit ${code}`})${lines ? `: ${lines}` : ''}`));
      }
    });
  });
  if (!child.stdin || !child.stdout) throw new Error(`${command} has no pipes`);
  // A tool that exits early closes its stdin; writing on is no error of ours (its exit says why).
  child.stdin.on('error', () => undefined);
  return { stdin: child.stdin, stdout: child.stdout, exited, kill: () => child.kill('SIGKILL') };
}

/**
 * pg_dump's custom format (compressed, restorable table by table) of the database `url` names,
 * streamed to stdout. Tenant dumps leave out owners and privileges: a restore makes the target's
 * own role the owner of everything, so nothing in it names the source organization's role.
 */
export function pgDump(url: string, options: { portable: boolean }): Tool {
  return run('pg_dump', ['--format=custom', ...(options.portable ? ['--no-owner', '--no-acl'] : [])], url);
}

/** pg_restore turning a custom-format archive (stdin) into SQL (stdout), for psql to run in one transaction. */
export function pgRestoreScript(options: { portable: boolean }): Tool {
  // pg_restore writing a script connects nowhere; the URL only fills its (unused) environment.
  return run(
    'pg_restore',
    ['--file=-', '--exit-on-error', ...(options.portable ? ['--no-owner', '--no-acl'] : [])],
    'postgres://localhost/unused',
  );
}

/** psql running the SQL of its stdin against `url`, stopping at the first error. */
export function psql(url: string): Tool {
  return run('psql', ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', '--file=-'], url);
}

/** `pg_dump --version`, e.g. "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)". */
export async function pgDumpVersion(): Promise<string> {
  const tool = run('pg_dump', ['--version'], 'postgres://localhost/unused');
  tool.stdin.end();
  let out = '';
  for await (const chunk of tool.stdout) out += String(chunk);
  await tool.exited;
  return out.trim();
}

/** The server's version and the last migration applied (from knex's table), in one connection. */
export async function describeDatabase(
  url: string,
): Promise<{ serverVersion: string; schemaVersion: string | null }> {
  const client = new pg.Client({ connectionString: url, application_name: 'guardian-backup' });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('show server_version');
    const table = await client.query<{ found: string | null }>(
      `select to_regclass('knex_migrations')::text as found`,
    );
    const migrations = table.rows[0]?.found
      ? await client.query<{ name: string }>('select name from knex_migrations order by id desc limit 1')
      : undefined;
    return {
      serverVersion: version.rows[0]?.server_version ?? 'unknown',
      schemaVersion: migrations?.rows[0]?.name ?? null,
    };
  } finally {
    await client.end();
  }
}
