import pg from 'pg';
import type { k8s } from './kube.ts';
import { stackEnv } from './stack.ts';
import { coreApi } from './tenancy.ts';

export interface DatabaseSecret {
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
  url: string;
}

export async function databaseSecret(
  org: string,
  name = 'guardian-database',
  namespace = `org-${org}`,
): Promise<DatabaseSecret> {
  const secret: k8s.V1Secret = await coreApi.readNamespacedSecret({ name, namespace });
  const data = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
  return data as unknown as DatabaseSecret;
}

/** The provisioning role's URL of a tenant database server of the test stack. */
export function serverUrl(server: string, database = 'postgres'): string {
  const entry = stackEnv('TENANT_DB_SERVERS')
    .split(',')
    .find((e) => e.startsWith(`${server}=`));
  if (!entry) throw new Error(`no server ${server}`);
  const url = new URL(entry.slice(server.length + 1));
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `sql` on a server as the provisioning role. */
export async function onServer<T extends pg.QueryResultRow>(
  server: string,
  sql: string,
  values: unknown[] = [],
) {
  const client = new pg.Client({ connectionString: serverUrl(server) });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Runs `sql` in a tenant database with its own credentials (`url` from its Secret). */
export async function onTenant(url: string, sql: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Connects with `url` and runs `select current_user`; rejects with Postgres's error (its code). */
export async function connectAs(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ current_user: string }>('select current_user');
    return rows[0]?.current_user ?? '';
  } finally {
    await client.end();
  }
}

export const SERVERS = ['pg1', 'pg2'] as const;

/** Where databases and roles of this name exist, on every server. */
export async function leftoversOf(name: string): Promise<string[]> {
  const found: string[] = [];
  for (const server of SERVERS) {
    const dbs = await onServer(server, 'select datname from pg_database where datname = $1', [name]);
    if (dbs.length) found.push(`database on ${server}`);
    const roles = await onServer(server, 'select rolname from pg_roles where rolname = $1', [name]);
    if (roles.length) found.push(`role on ${server}`);
  }
  return found;
}
