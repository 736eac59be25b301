export { ApiRateLimiter, type Decision, HOUR_MS, limiterKeys } from './limiter.ts';
export {
  RateLimitCounters,
  type RateLimitOptions,
  type RedisErrorPolicy,
  rateLimit,
  rateLimitDecision,
} from './middleware.ts';
