import pg from 'pg';
import { migrateTenantDatabase } from './migrations.ts';
import { actAs } from './roles.ts';
import { scramVerifier } from './scram.ts';
import type { TenantServers } from './servers.ts';
import { adoptionSql, prepareTemplate, TEMPLATE_DATABASE } from './template.ts';

/** Marks a database as one organization's (by uid), so a retained one is never handed to a namesake. */
const MARKER = 'guardian.aiops.dev/organization-uid=';

export interface Placement {
  server: string;
  /** The uid recorded on the database, undefined if it has none (a crash right after CREATE). */
  organizationUid: string | undefined;
  owner: string;
}

export interface TenantCredentials {
  server: string;
  database: string;
  role: string;
  password: string;
}

const NAME = /^tenant_[a-z0-9_]{1,55}$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`"${name}" is not a tenant database name`);
  return name;
}

/**
 * Creates, finds and drops tenant databases and their login roles on the configured servers, as
 * the provisioning role (CREATEDB, CREATEROLE, not superuser). Errors name the step, never the
 * SQL: the SQL may carry a password verifier and Postgres's text may echo identifiers.
 */
export class TenantProvisioner {
  readonly servers: TenantServers;
  private readonly connectionLimit: number;
  private readonly pools = new Map<string, pg.Pool>();
  /** Per server: how to clone its template, once it holds the current schema (prepared once per process). */
  private readonly templates = new Map<string, Promise<string | undefined>>();

  constructor(servers: TenantServers, options: { connectionLimit: number }) {
    this.servers = servers;
    this.connectionLimit = options.connectionLimit;
  }

  /** Where a database of this name exists, on any server. */
  async locate(name: string): Promise<Placement[]> {
    const found: Placement[] = [];
    for (const server of this.servers.keys()) {
      const { rows } = await this.pool(server).query<{ owner: string; comment: string | null }>(
        `select pg_get_userbyid(datdba) as owner, shobj_description(oid, 'pg_database') as comment
         from pg_database where datname = $1`,
        [checkName(name)],
      );
      for (const row of rows) {
        const uid = row.comment?.startsWith(MARKER) ? row.comment.slice(MARKER.length) : undefined;
        found.push({ server, owner: row.owner, organizationUid: uid });
      }
    }
    return found;
  }

  /** The server with the fewest tenant databases; ties go to the first listed. */
  async leastLoaded(): Promise<string> {
    let best: { server: string; count: number } | undefined;
    for (const server of this.servers.keys()) {
      const { rows } = await this.pool(server).query<{ count: string }>(
        `select count(*) from pg_database where datname like 'tenant\\_%'`,
      );
      const count = Number(rows[0]?.count ?? 0);
      if (!best || count < best.count) best = { server, count };
    }
    if (!best) throw new Error('No tenant database server is configured');
    return best.server;
  }

  /** Creates the login role, or brings its connection limit and our membership up to date. */
  async ensureRole(server: string, role: string, password: string): Promise<void> {
    const db = this.pool(server);
    const name = pg.escapeIdentifier(checkName(role));
    const { rows } = await db.query<{ rolconnlimit: number }>(
      'select rolconnlimit from pg_roles where rolname = $1',
      [role],
    );
    await step('create the tenant role', async () => {
      if (rows.length === 0) {
        await db.query(
          `CREATE ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS CONNECTION LIMIT ${this.connectionLimit} PASSWORD ${pg.escapeLiteral(await scramVerifier(password))}`,
        );
      } else if (rows[0]?.rolconnlimit !== this.connectionLimit) {
        await db.query(`ALTER ROLE ${name} CONNECTION LIMIT ${this.connectionLimit}`);
      }
      await actAs(db, role, name);
    });
  }

  /** Sets the role's password from the Secret, as a SCRAM verifier. */
  async resetPassword(server: string, role: string, password: string): Promise<void> {
    const verifier = await scramVerifier(password);
    await step('set the tenant role password', () =>
      this.pool(server).query(
        `ALTER ROLE ${pg.escapeIdentifier(checkName(role))} PASSWORD ${pg.escapeLiteral(verifier)}`,
      ),
    );
  }

  /**
   * Creates the database owned by `role`, closed to PUBLIC, marked with the organization's uid:
   * cloned from the server's template when it can be (then it is already migrated, which the
   * result says), or empty, to be migrated, when the template is unavailable or busy.
   */
  async createDatabase(
    server: string,
    name: string,
    role: string,
    organizationUid: string,
  ): Promise<{ migrated: boolean }> {
    const db = this.pool(server);
    const database = pg.escapeIdentifier(checkName(name));
    const owner = pg.escapeIdentifier(checkName(role));
    const template = await this.template(server);
    let cloned = template !== undefined;
    await step('create the tenant database', async () => {
      // CREATE DATABASE cannot run in a transaction and has no IF NOT EXISTS: callers check first.
      try {
        if (cloned) await db.query(`CREATE DATABASE ${database} OWNER ${owner} ${template}`);
      } catch (error) {
        // 55006: someone is connected to the template (another operator updating it): start empty.
        if ((error as { code?: string }).code !== '55006') throw error;
        cloned = false;
      }
      if (!cloned) await db.query(`CREATE DATABASE ${database} OWNER ${owner}`);
    });
    await step('mark the tenant database', async () => {
      await db.query(`COMMENT ON DATABASE ${database} IS ${pg.escapeLiteral(`${MARKER}${organizationUid}`)}`);
      await db.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
    });
    if (cloned) await this.adopt(server, name, role);
    return { migrated: cloned };
  }

  /**
   * Brings the tenant schema up to date, as the tenant's own role. Throws LoginFailed on 28P01.
   * A clone whose schema was never handed over (a crash right after CREATE) is adopted first.
   */
  async migrate(credentials: TenantCredentials): Promise<void> {
    try {
      await this.migrateAsTenant(credentials);
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code !== '42501') throw error;
      await this.adopt(credentials.server, credentials.database, credentials.role);
      await this.migrateAsTenant(credentials);
    }
  }

  private async migrateAsTenant(credentials: TenantCredentials): Promise<void> {
    try {
      await migrateTenantDatabase(this.connectionString(credentials));
    } catch (error) {
      if ((error as { code?: string }).code === '28P01') throw new LoginFailed();
      throw new Error('Could not migrate the tenant database', { cause: error });
    }
  }

  /** Hands a clone's tables (the template role's) to the tenant role, inside that database. */
  private async adopt(server: string, name: string, role: string): Promise<void> {
    const url = new URL(this.serverUrl(server));
    url.pathname = `/${checkName(name)}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await step('hand the tenant schema to the tenant role', async () => {
      await client.connect();
      try {
        await client.query(adoptionSql(checkName(role)));
      } finally {
        await client.end();
      }
    });
  }

  /** How to clone the server's template, undefined if it cannot be; prepared once, tried again after a failure. */
  private template(server: string): Promise<string | undefined> {
    let ready = this.templates.get(server);
    if (!ready) {
      const url = new URL(this.serverUrl(server));
      url.pathname = `/${TEMPLATE_DATABASE}`;
      ready = prepareTemplate(this.pool(server), url.toString()).catch(() => {
        this.templates.delete(server);
        return undefined;
      });
      this.templates.set(server, ready);
    }
    return ready;
  }

  /** Drops the database (closing its sessions) and then its role. */
  async drop(server: string, name: string, role: string): Promise<void> {
    const db = this.pool(server);
    await step('drop the tenant database', () =>
      db.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(checkName(name))} WITH (FORCE)`),
    );
    await step('drop the tenant role', () =>
      db.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(checkName(role))}`),
    );
  }

  /** Drops the role alone, when no database of it exists (a deletion interrupted before the drop). */
  async dropRoleIfUnused(server: string, role: string): Promise<void> {
    const db = this.pool(server);
    const owns = await db.query(
      'select 1 from pg_database where datdba = (select oid from pg_roles where rolname = $1)',
      [role],
    );
    if (owns.rowCount === 0)
      await step('drop the tenant role', () =>
        db.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(checkName(role))}`),
      );
  }

  /** Host and port clients use to reach a server (from its provisioning URL). */
  endpoint(server: string): { host: string; port: number } {
    const url = new URL(this.serverUrl(server));
    return { host: url.hostname, port: Number(url.port || 5432) };
  }

  connectionString(credentials: TenantCredentials): string {
    const { host, port } = this.endpoint(credentials.server);
    const url = new URL(`postgres://${host}:${port}/${credentials.database}`);
    url.username = credentials.role;
    url.password = credentials.password;
    return url.toString();
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.end()));
    this.pools.clear();
  }

  private serverUrl(server: string): string {
    const url = this.servers.get(server);
    if (!url) throw new ServerNotFound(server);
    return url;
  }

  private pool(server: string): pg.Pool {
    let pool = this.pools.get(server);
    if (!pool) {
      // CREATE DATABASE holds a connection for a while: enough of them that one slow tenant does not queue the others.
      pool = new pg.Pool({ connectionString: this.serverUrl(server), max: 6, idleTimeoutMillis: 30_000 });
      pool.on('error', () => undefined);
      this.pools.set(server, pool);
    }
    return pool;
  }
}

export class ServerNotFound extends Error {
  readonly server: string;

  constructor(server: string) {
    super(`Tenant database server ${server} is not configured`);
    this.name = 'ServerNotFound';
    this.server = server;
  }
}

export class LoginFailed extends Error {
  constructor() {
    super('The tenant role refused the password');
    this.name = 'LoginFailed';
  }
}

/** Runs one DDL step; its failure keeps Postgres's code but not its text or the statement. */
async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ProvisioningError(what, code);
  }
}

export class ProvisioningError extends Error {
  readonly code: string | undefined;

  constructor(step: string, code: string | undefined) {
    super(`Could not ${step}${code ? ` (SQLSTATE ${code})` : ''}`);
    this.name = 'ProvisioningError';
    this.code = code;
  }
}
