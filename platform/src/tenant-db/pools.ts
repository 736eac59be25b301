import knex, { type Knex } from 'knex';

/**
 * Connection pools to tenant databases, bounded: at most `maxTenants` pools are open, the least
 * recently used one is closed first, and each holds at most `connectionsPerTenant` connections
 * that close when idle. The tenant role's CONNECTION LIMIT covers replicas × this size.
 */
export class TenantPools {
  private readonly pools = new Map<string, Knex>();
  private readonly maxTenants: number;
  private readonly connectionsPerTenant: number;
  private readonly idleTimeoutMs: number;
  private readonly open: (connectionString: string, pool: Knex.PoolConfig) => Knex;

  constructor(
    options: { maxTenants?: number; connectionsPerTenant?: number; idleTimeoutMs?: number } = {},
    open = (connection: string, pool: Knex.PoolConfig) => knex({ client: 'pg', connection, pool }),
  ) {
    this.maxTenants = options.maxTenants ?? 100;
    this.connectionsPerTenant = options.connectionsPerTenant ?? 2;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.open = open;
  }

  get size(): number {
    return this.pools.size;
  }

  /** The pool of `org`, opening it from `connectionString` if needed. */
  get(org: string, connectionString: string): Knex {
    const existing = this.pools.get(org);
    if (existing) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.pools.delete(org);
      this.pools.set(org, existing);
      return existing;
    }
    const pool = this.open(connectionString, {
      min: 0,
      max: this.connectionsPerTenant,
      idleTimeoutMillis: this.idleTimeoutMs,
    });
    this.pools.set(org, pool);
    while (this.pools.size > this.maxTenants) {
      const [oldest, evicted] = this.pools.entries().next().value as [string, Knex];
      this.pools.delete(oldest);
      void evicted.destroy();
    }
    return pool;
  }

  /** Closes the pool of `org`, e.g. when its credentials changed or it was deleted. */
  async forget(org: string): Promise<void> {
    const pool = this.pools.get(org);
    this.pools.delete(org);
    await pool?.destroy();
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
    this.pools.clear();
  }
}
