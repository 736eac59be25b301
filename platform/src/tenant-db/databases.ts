import { ApiError, type KubeClient } from '@guardian/kube/client';
import knex, { type Knex } from 'knex';
import { migrateSchema, TENANT_MIGRATIONS } from './migrations.ts';
import type { TenantPools } from './pools.ts';
import { tenantDatabaseUrl } from './secret.ts';

/** Why an organization's tenant database cannot be reached now; the message says it to a user. */
export class TenantDatabaseUnavailable extends Error {
  readonly reason: 'forbidden' | 'not-provisioned' | 'no-url';

  constructor(reason: TenantDatabaseUnavailable['reason'], message: string) {
    super(message);
    this.name = 'TenantDatabaseUnavailable';
    this.reason = reason;
  }
}

/**
 * The platform's way into an organization's tenant database: the URL from the Secret
 * `guardian-database` in `org-<org>` (which the operator's per-organization Role lets the platform
 * read), and a pooled connection from it. A changed URL (a reset password) closes the old pool.
 * The schema is brought up to date once per database and process, as the tenant's own role,
 * with the runner the operator uses (its advisory lock serializes the two): a platform upgraded
 * before the operator thus never meets a schema older than its code.
 */
export class TenantDatabases {
  private readonly kube: KubeClient;
  private readonly pools: TenantPools;
  private readonly urls = new Map<string, string>();
  private readonly schemas = new Map<string, Promise<void>>();

  constructor(deps: { kube: KubeClient; pools: TenantPools }) {
    this.kube = deps.kube;
    this.pools = deps.pools;
  }

  /** A pooled connection to `orgId`'s tenant database; TenantDatabaseUnavailable when there is none to reach. */
  async connect(orgId: string, options: { migrate?: boolean } = {}): Promise<Knex> {
    const url = await this.url(orgId);
    if (this.urls.get(orgId) !== url) {
      if (this.urls.has(orgId)) await this.pools.forget(orgId);
      this.urls.set(orgId, url);
    }
    if (options.migrate ?? true) await this.upToDate(url);
    return this.pools.get(orgId, url);
  }

  private async url(orgId: string): Promise<string> {
    let url: string | undefined;
    try {
      url = await tenantDatabaseUrl(this.kube, orgId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        throw new TenantDatabaseUnavailable(
          'forbidden',
          'the platform may not read the tenant database Secret',
        );
      }
      if (error instanceof ApiError && error.status === 404) {
        throw new TenantDatabaseUnavailable('not-provisioned', 'the tenant database is not provisioned yet');
      }
      throw new Error(`Could not read the database Secret of organization ${orgId}`, { cause: error });
    }
    if (!url) throw new TenantDatabaseUnavailable('no-url', 'the tenant database Secret holds no url');
    return url;
  }

  private upToDate(url: string): Promise<void> {
    let done = this.schemas.get(url);
    if (!done) {
      done = migrateIfBehind(url).catch((error: unknown) => {
        this.schemas.delete(url);
        throw error;
      });
      this.schemas.set(url, done);
    }
    return done;
  }
}

// On its own connection, closed after: migrateSchema holds a session-level advisory lock until then.
async function migrateIfBehind(url: string): Promise<void> {
  const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    const table = await db.raw<{ rows: Array<{ known: boolean }> }>(
      "SELECT to_regclass('knex_migrations') IS NOT NULL AS known",
    );
    const applied = table.rows[0]?.known
      ? await db.raw<{ rows: Array<{ name: string }> }>('SELECT name FROM knex_migrations')
      : { rows: [] };
    const names = new Set(applied.rows.map((row) => row.name));
    // A database ahead of this code (a newer operator migrated it) is left alone.
    if (TENANT_MIGRATIONS.every((name) => names.has(name))) return;
    await migrateSchema(db);
  } catch (error) {
    throw new Error('Could not bring the tenant database schema up to date', { cause: error });
  } finally {
    await db.destroy();
  }
}
