import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SLIDING_LOG_LUA } from './sliding-log-script.ts';

export const HOUR_MS = 3_600_000;
const COMMAND = 'guardianApiLimit';

export interface Decision {
  admitted: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until at least one more request would be admitted. */
  resetMs: number;
  /** The first refusal for this org in the last minute (so breaches are audited at most once a minute). */
  firstBreach: boolean;
}

type Script = (
  log: string,
  breach: string,
  now: number,
  limit: number,
  window: number,
  member: string,
) => Promise<unknown>;

/** Redis Cluster-safe keys: everything of one org hashes to one slot. */
export const limiterKeys = (orgId: string) => ({
  log: `{org:${orgId}}:api`,
  breach: `{org:${orgId}}:api:breach`,
});

/**
 * The per-organization hourly API limit. ioredis runs the script with EVALSHA (EVAL once, after a
 * Redis restart flushed its script cache), so each decision is one round trip.
 */
export class ApiRateLimiter {
  private readonly script: Script;
  readonly windowMs: number;

  constructor(redis: Redis, windowMs = HOUR_MS) {
    this.windowMs = windowMs;
    redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: SLIDING_LOG_LUA });
    const command = (redis as unknown as Record<string, Script>)[COMMAND];
    if (!command) throw new Error('ioredis did not define the rate limit command');
    this.script = command.bind(redis);
  }

  async take(orgId: string, limit: number, now: number): Promise<Decision> {
    const keys = limiterKeys(orgId);
    const member = `${now}:${randomBytes(8).toString('hex')}`;
    const reply = await this.script(keys.log, keys.breach, Math.floor(now), limit, this.windowMs, member);
    if (!Array.isArray(reply) || reply.length !== 4)
      throw new Error('Unexpected reply from the rate limit script');
    const [admitted, remaining, resetMs, firstBreach] = reply.map(Number) as [number, number, number, number];
    return {
      admitted: admitted === 1,
      limit,
      remaining: Math.max(0, remaining),
      resetMs: Math.max(0, resetMs),
      firstBreach: firstBreach === 1,
    };
  }
}
