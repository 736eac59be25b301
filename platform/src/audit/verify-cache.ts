import type { Redis } from 'ioredis';
import type { Verification } from './verify.ts';

/** How long a verification answers for an unchanged chain head. */
export const VERIFY_CACHE_TTL_MS = 60_000;

/**
 * Verifications of GET /audit/verify by chain head: while the head (seq, hash and signature) is
 * unchanged, the last verification answers, for at most a minute. Verifying reads the whole chain,
 * so without this any caller allowed to verify could load the database at will; with it, at most
 * one verification runs per append (each an audited action) and minute.
 */
export interface VerifyCache {
  get(orgId: string, head: string): Promise<Verification | undefined>;
  set(orgId: string, head: string, verification: Verification): Promise<void>;
}

/** In Redis, shared by every replica (Redis Cluster-safe: the org's hash tag). */
export function redisVerifyCache(redis: Redis): VerifyCache {
  const key = (orgId: string) => `{org:${orgId}}:audit:verify`;
  return {
    async get(orgId, head) {
      const cached = await redis.get(key(orgId));
      const parsed = cached
        ? (JSON.parse(cached) as { head: string; verification: Verification })
        : undefined;
      return parsed?.head === head ? parsed.verification : undefined;
    },
    async set(orgId, head, verification) {
      await redis.set(key(orgId), JSON.stringify({ head, verification }), 'PX', VERIFY_CACHE_TTL_MS);
    },
  };
}

/** In this replica, for installations without Redis. */
export function memoryVerifyCache(now: () => number): VerifyCache {
  const entries = new Map<string, { head: string; verification: Verification; until: number }>();
  return {
    async get(orgId, head) {
      const entry = entries.get(orgId);
      return entry && entry.head === head && entry.until > now() ? entry.verification : undefined;
    },
    async set(orgId, head, verification) {
      if (entries.size >= 10_000) {
        for (const [k, e] of entries) if (e.until <= now()) entries.delete(k);
      }
      entries.set(orgId, { head, verification, until: now() + VERIFY_CACHE_TTL_MS });
    },
  };
}
