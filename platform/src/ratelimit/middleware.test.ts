import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import Koa from 'koa';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../http/error-handler.ts';
import type { AppState } from '../http/state.ts';
import type { OrganizationDirectory } from '../services/OrganizationDirectory.ts';
import type { ApiRateLimiter, Decision } from './limiter.ts';
import { RateLimitCounters, type RedisErrorPolicy, rateLimit } from './middleware.ts';

const org = { metadata: { name: 'acme' }, spec: { plan: 'p' } } as Organization;
const directory = (apiCallsPerHour: number | undefined) =>
  ({
    get: (id: string) => (id === 'acme' ? org : undefined),
    plan: () => ({ spec: { apiCallsPerHour } }) as QuotaPolicy,
  }) as unknown as OrganizationDirectory;

function limiter(decide: () => Decision): ApiRateLimiter {
  return { take: async () => decide() } as unknown as ApiRateLimiter;
}

async function call(options: {
  limit: number | undefined;
  decide: () => Decision;
  policy?: RedisErrorPolicy;
  orgId?: string | null;
}) {
  const counters = new RateLimitCounters();
  const breaches: string[] = [];
  const app = new Koa<AppState>();
  app.use(errorHandler());
  app.use(async (ctx, next) => {
    ctx.state.auth = {
      via: 'token',
      userId: 'u',
      superAdmin: false,
      orgs: {},
      orgId: options.orgId === undefined ? 'acme' : options.orgId,
      role: 'org_owner',
      permissions: [],
      teamIds: [],
      teams: {},
    };
    await next();
  });
  app.use(
    rateLimit(
      {
        limiter: limiter(options.decide),
        directory: directory(options.limit),
        clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
        onRedisError: options.policy ?? 'closed',
        log: pino({ level: 'silent' }),
        onBreach: (_ctx, orgId) => breaches.push(orgId),
      },
      counters,
    ),
  );
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const response = await new Promise<Response>((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', async () => {
      const { port } = server.address() as { port: number };
      fetch(`http://127.0.0.1:${port}/`)
        .then(resolve, reject)
        .finally(() => server.close());
    });
  });
  return { response, counters, breaches };
}

const admitted: Decision = { admitted: true, limit: 10, remaining: 7, resetMs: 1500, firstBreach: false };
const refused: Decision = { admitted: false, limit: 10, remaining: 0, resetMs: 90_500, firstBreach: true };

describe('rateLimit middleware', () => {
  it('admits with RateLimit headers (reset in whole seconds, rounded up)', async () => {
    const { response } = await call({ limit: 10, decide: () => admitted });
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBe('10');
    expect(response.headers.get('ratelimit-remaining')).toBe('7');
    expect(response.headers.get('ratelimit-reset')).toBe('2');
  });

  it('refuses over the limit with 429 problem+json, Retry-After and the headers, and reports the breach', async () => {
    const { response, counters, breaches } = await call({ limit: 10, decide: () => refused });
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('91');
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
    expect(counters.refused).toBe(1);
    expect(breaches).toEqual(['acme']);
  });

  it('fails closed (503) or open on a Redis error, as configured', async () => {
    const failing = () => {
      throw new Error('Connection is closed');
    };
    const closed = await call({ limit: 10, decide: failing });
    expect(closed.response.status).toBe(503);
    expect(closed.response.headers.get('retry-after')).toBe('5');
    expect(closed.counters.redisErrors).toBe(1);
    const open = await call({ limit: 10, decide: failing, policy: 'open' });
    expect(open.response.status).toBe(200);
    expect(open.counters.redisErrors).toBe(1);
  });

  it('leaves unlimited plans and requests without an organization alone', async () => {
    const never = () => {
      throw new Error('the limiter must not be asked');
    };
    for (const options of [{ limit: undefined }, { limit: 10, orgId: null }]) {
      const { response } = await call({ ...options, decide: never });
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});
