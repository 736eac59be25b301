import type { Clock } from '@guardian/kube/clock';
import type { Redis } from 'ioredis';

/** How long a key, once admitted, is refused. */
export const THROTTLE_WINDOW_MS = 60_000;

/**
 * Admits a key at most once a minute. What keeps events anyone can cause (failed logins, refused
 * credentials) from becoming unbounded writes serialized on one chain's head.
 */
export interface AuditThrottle {
  take(key: string): Promise<boolean>;
}

/** In Redis, shared by every replica: a flood spread over replicas still leaves one entry a minute. */
export function redisAuditThrottle(redis: Redis, fallback: AuditThrottle): AuditThrottle {
  return {
    async take(key) {
      try {
        return (await redis.set(`audit:throttle:${key}`, '1', 'PX', THROTTLE_WINDOW_MS, 'NX')) === 'OK';
      } catch {
        // Redis is out: throttle in this replica rather than lose the evidence or write it unbounded.
        return fallback.take(key);
      }
    },
  };
}

/** In this replica, for installations without Redis (and while Redis is out); forgets old keys. */
export function memoryAuditThrottle(clock: Clock): AuditThrottle {
  const until = new Map<string, number>();
  return {
    async take(key) {
      const now = clock.now();
      const admittedUntil = until.get(key);
      if (admittedUntil !== undefined && admittedUntil > now) return false;
      if (until.size >= 10_000) {
        for (const [k, t] of until) if (t <= now) until.delete(k);
      }
      until.set(key, now + THROTTLE_WINDOW_MS);
      return true;
    },
  };
}
