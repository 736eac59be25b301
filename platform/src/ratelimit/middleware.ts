import type { Clock } from '@guardian/kube/clock';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { logError } from '../http/log-error.ts';
import type { AppContext, AppState } from '../http/state.ts';
import { planLimits } from '../quota/limits.ts';
import { QuotaExceededError, UnavailableError } from '../services/errors.ts';
import type { OrganizationDirectory } from '../services/OrganizationDirectory.ts';
import type { ApiRateLimiter, Decision } from './limiter.ts';

export type RedisErrorPolicy = 'open' | 'closed';

export interface RateLimitOptions {
  /** Undefined when no Redis is configured: every limited request then meets `onRedisError`. */
  limiter: ApiRateLimiter | undefined;
  directory: OrganizationDirectory;
  clock: Clock;
  onRedisError: RedisErrorPolicy;
  log: Logger;
  /** Called on the first refusal of an org within a minute (to audit it without flooding the trail). */
  onBreach?: (ctx: AppContext, orgId: string, decision: Decision) => void;
}

const decisions = new WeakMap<AppContext, Decision>();

/** This request's rate limit decision, for routes that report it (GET /usage) without asking Redis again. */
export function rateLimitDecision(ctx: AppContext): Decision | undefined {
  return decisions.get(ctx);
}

export class RateLimitCounters {
  admitted = 0;
  refused = 0;
  redisErrors = 0;
}

/**
 * The hourly API limit of the caller's organization (its plan's apiCallsPerHour, read from the
 * informer on every request, so a plan change applies at once). Runs after authentication:
 * requests without an organization and organizations on unlimited plans are not limited and carry
 * no RateLimit headers, on purpose: the RateLimit header fields (IETF httpapi draft) describe a
 * quota policy that applies, their values are finite integers with no way to say "unlimited", and
 * the draft has servers omit them when no policy applies; a made-up number would invite clients
 * to throttle themselves. It also keeps unlimited requests free of any Redis round trip. Clients
 * read an absent RateLimit-Limit as "no limit" (GET /usage says so: api_calls_per_hour.limit
 * null). When Redis fails the request is refused with 503 (the default: a limit
 * that silently lapses is no limit) or, with RATE_LIMIT_ON_REDIS_ERROR=open, let through.
 */
export function rateLimit(
  options: RateLimitOptions,
  counters = new RateLimitCounters(),
): Middleware<AppState> {
  return async (ctx, next) => {
    const orgId = ctx.state.auth?.orgId;
    if (!orgId) return next();
    const org = options.directory.get(orgId);
    const limit = planLimits(org && options.directory.plan(org)).apiCallsPerHour;
    if (limit === null) return next();
    let decision: Decision;
    try {
      if (!options.limiter) throw new Error('No Redis is configured (REDIS_URL)');
      decision = await options.limiter.take(orgId, limit, options.clock.now());
    } catch (error) {
      counters.redisErrors++;
      options.log.warn(
        { error: logError(error), orgId, policy: options.onRedisError },
        'Rate limiter unavailable',
      );
      if (options.onRedisError === 'open') return next();
      throw new UnavailableError('The rate limiter is unavailable; try again shortly', {
        retryAfterSeconds: 5,
        cause: error,
      });
    }
    // Set before a refusal is thrown, so the 429 carries them too.
    ctx.set({
      'ratelimit-limit': String(decision.limit),
      'ratelimit-remaining': String(decision.remaining),
      'ratelimit-reset': String(Math.ceil(decision.resetMs / 1000)),
    });
    decisions.set(ctx as AppContext, decision);
    if (!decision.admitted) {
      counters.refused++;
      if (decision.firstBreach) options.onBreach?.(ctx as AppContext, orgId, decision);
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
      throw new QuotaExceededError(
        `Organization ${orgId} has used its ${limit} API calls per hour; retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
    counters.admitted++;
    return next();
  };
}
