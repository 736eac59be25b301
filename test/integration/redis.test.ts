import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { stackEnv } from '../support/stack.ts';

const url = stackEnv('REDIS_URL');

describe('redis', () => {
  const redis = new Redis(url, { lazyConnect: true });
  afterAll(() => redis.quit());

  it('round-trips a value with an expiry', async () => {
    const key = `{org:it}:probe:${randomBytes(4).toString('hex')}`;
    await redis.set(key, 'guardian', 'EX', 60);
    expect(await redis.get(key)).toBe('guardian');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('refuses a client without the password', async () => {
    const anonymous = new URL(url);
    anonymous.password = '';
    const client = new Redis(anonymous.toString(), { lazyConnect: true, maxRetriesPerRequest: 0 });
    const refusals: Error[] = [];
    client.on('error', (error: Error) => refusals.push(error));
    try {
      await expect(client.get('anything')).rejects.toThrow(/NOAUTH/);
      for (const refusal of refusals) expect(refusal.message).toMatch(/NOAUTH/);
    } finally {
      client.disconnect();
    }
  });
});
