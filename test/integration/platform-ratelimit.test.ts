import { Redis } from 'ioredis';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRateLimiter, HOUR_MS } from '../../platform/src/ratelimit/limiter.ts';
import { uniqueName } from '../support/kube.ts';
import {
  applyAll,
  Browser,
  deleteAll,
  organization,
  quotaPolicy,
  until,
  withToken,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

describe('platform rate limit: the sliding log script (explicit clock)', () => {
  const redis = new Redis(stackEnv('REDIS_URL'));
  const limiter = new ApiRateLimiter(redis);
  afterAll(() => redis.quit());

  it('never admits twice the limit around what a fixed window would call a boundary', async () => {
    const org = uniqueName('it-rl');
    const boundary = 100 * HOUR_MS;
    const before = [];
    for (let i = 0; i < 10; i++) before.push(await limiter.take(org, 10, boundary - 1000 + i));
    expect(before.map((d) => d.admitted)).toEqual(Array(10).fill(true));
    expect(before.map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    // Just past the boundary a fixed hourly window would admit 10 more; a sliding one none.
    for (const t of [boundary, boundary + 1, boundary + 60_000, boundary + HOUR_MS - 1001]) {
      const refused = await limiter.take(org, 10, t);
      expect(refused.admitted).toBe(false);
      expect(refused.resetMs).toBe(boundary - 1000 + HOUR_MS - t);
    }
    // Positive control: an hour after the first admission, exactly one slot has freed.
    const freed = await limiter.take(org, 10, boundary - 1000 + HOUR_MS);
    expect(freed).toMatchObject({ admitted: true, remaining: 0 });
    expect((await limiter.take(org, 10, boundary - 1000 + HOUR_MS)).admitted).toBe(false);
  });

  it('admits at most the limit in every sliding hour of random traffic, and the limit when saturated', async () => {
    const org = uniqueName('it-rl');
    const limit = 25;
    const admitted: number[] = [];
    let t = 7 * HOUR_MS;
    for (let i = 0; i < 400; i++) {
      t += Math.floor(Math.random() * 40_000);
      if ((await limiter.take(org, limit, t)).admitted) admitted.push(t);
    }
    for (let i = 0; i < admitted.length; i++) {
      const start = admitted[i] as number;
      const inWindow = admitted.filter((at) => at >= start && at < start + HOUR_MS).length;
      expect(inWindow).toBeLessThanOrEqual(limit);
    }
    // 400 requests over ~2.2 hours at ~180/hour saturate it: each hour admits the whole limit.
    expect(admitted.length).toBeGreaterThanOrEqual(2 * limit);
  });

  it('applies a lowered limit at once and says when a slot frees', async () => {
    const org = uniqueName('it-rl');
    const t = 50 * HOUR_MS;
    for (let i = 0; i < 5; i++) expect((await limiter.take(org, 5, t + i * 1000)).admitted).toBe(true);
    const lowered = await limiter.take(org, 2, t + 10_000);
    expect(lowered.admitted).toBe(false);
    // Four of five must expire before one more fits under 2: the fourth-oldest, at t + 3000.
    expect(lowered.resetMs).toBe(t + 3000 + HOUR_MS - (t + 10_000));
    expect((await limiter.take(org, 2, t + 2000 + HOUR_MS)).admitted).toBe(false);
    expect((await limiter.take(org, 2, t + 3000 + HOUR_MS)).admitted).toBe(true);
  });

  it('reports the first breach of an org once a minute', async () => {
    const org = uniqueName('it-rl');
    const t = 3 * HOUR_MS;
    await limiter.take(org, 1, t);
    const breaches = [];
    for (let i = 0; i < 5; i++) breaches.push((await limiter.take(org, 1, t + i)).firstBreach);
    expect(breaches).toEqual([true, false, false, false, false]);
    // The control: once a minute by the caller's clock, not once ever.
    expect((await limiter.take(org, 1, t + 59_999)).firstBreach).toBe(false);
    expect((await limiter.take(org, 1, t + 60_000)).firstBreach).toBe(true);
    expect((await limiter.take(org, 1, t + 60_001)).firstBreach).toBe(false);
  });
});

describe('platform rate limit: the API', () => {
  const limitedPlan = quotaPolicy(uniqueName('it-plan-rl'), {
    displayName: 'rate limited',
    apiCallsPerHour: 150,
  });
  const burstOrg = organization(uniqueName('it-rl-burst'), {
    plan: limitedPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const liveOrg = organization(uniqueName('it-rl-live'), {
    plan: limitedPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const api = platformSuite({ plans: [limitedPlan], organizations: [burstOrg, liveOrg] });
  let carol: Browser;
  const agent = new Agent({ connections: 128, pipelining: 1 });

  beforeAll(async () => {
    carol = new Browser(api.url);
    expect((await carol.login('carol@startupco.io')).status).toBe(200);
  });
  afterAll(() => agent.close());

  it('admits exactly the hourly limit of 2,000 concurrent requests, and refuses the rest with 429', async () => {
    const token = await carol.token(burstOrg.metadata.name);
    const answers = await Promise.all(
      Array.from({ length: 2000 }, async () => {
        const response = await fetch(`${api.url}/whoami`, {
          headers: { authorization: `Bearer ${token}` },
          dispatcher: agent,
        });
        await response.arrayBuffer();
        return response;
      }),
    );
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(150);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1850);
    for (const response of answers) {
      expect(response.headers.get('ratelimit-limit')).toBe('150');
      expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    const remaining = answers
      .filter((response) => response.status === 200)
      .map((response) => Number(response.headers.get('ratelimit-remaining')))
      .sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 150 }, (_, i) => i));
    const refused = answers.find((response) => response.status === 429);
    expect(refused?.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(refused?.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('follows the organization’s plan live', async () => {
    const token = await carol.token(liveOrg.metadata.name);
    const first = await withToken(api.url, '/whoami', token);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('150');
    const other = uniqueName('it-plan-rl');
    const smaller = quotaPolicy(other, { displayName: 'tiny', apiCallsPerHour: 3 });
    await applyAll(smaller, { ...liveOrg, spec: { ...liveOrg.spec, plan: other } });
    try {
      await until('the platform to see the plan change', () => {
        const org = api.platform.directory.get(liveOrg.metadata.name);
        return org !== undefined && api.platform.directory.plan(org)?.spec.apiCallsPerHour === 3;
      });
      const second = await withToken(api.url, '/whoami', token);
      expect(second.status).toBe(200);
      expect(second.headers.get('ratelimit-limit')).toBe('3');
      expect(second.headers.get('ratelimit-remaining')).toBe('1');
      expect((await withToken(api.url, '/whoami', token)).status).toBe(200);
      const over = await withToken(api.url, '/whoami', token);
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    } finally {
      await applyAll(liveOrg);
      await deleteAll(smaller);
    }
  });
});
