import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { TenantPools } from './pools.ts';

function fakePools(maxTenants: number) {
  const opened: Array<{ url: string; pool: Knex.PoolConfig; destroyed: boolean }> = [];
  const pools = new TenantPools({ maxTenants, connectionsPerTenant: 2, idleTimeoutMs: 1000 }, (url, pool) => {
    const entry = { url, pool, destroyed: false };
    opened.push(entry);
    const destroy = async () => {
      entry.destroyed = true;
    };
    return { destroy } as unknown as Knex;
  });
  return { pools, opened };
}

describe('TenantPools', () => {
  it('reuses a tenant’s pool and bounds each pool’s size', () => {
    const { pools, opened } = fakePools(2);
    expect(pools.get('a', 'postgres://a')).toBe(pools.get('a', 'postgres://a'));
    expect(opened).toHaveLength(1);
    expect(opened[0]?.pool).toEqual({ min: 0, max: 2, idleTimeoutMillis: 1000 });
  });

  it('closes the least recently used pool beyond the bound', () => {
    const { pools, opened } = fakePools(2);
    pools.get('a', 'postgres://a');
    pools.get('b', 'postgres://b');
    pools.get('a', 'postgres://a');
    pools.get('c', 'postgres://c');
    expect(pools.size).toBe(2);
    expect(opened.map((o) => [o.url, o.destroyed])).toEqual([
      ['postgres://a', false],
      ['postgres://b', true],
      ['postgres://c', false],
    ]);
  });
});
