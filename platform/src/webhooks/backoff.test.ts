import { describe, expect, it } from 'vitest';
import { nextAttempt } from './backoff.ts';

const policy = { baseMs: 5_000, maxDelayMs: 3_600_000, windowMs: 86_400_000 };

describe('webhook retries', () => {
  it('doubles the wait after each failure, up to the longest wait', () => {
    const waits = [1, 2, 3, 4].map((attempts) => (nextAttempt(policy, attempts, 0, 1_000) ?? 0) - 1_000);
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect((nextAttempt(policy, 30, 0, 1_000) ?? 0) - 1_000).toBe(3_600_000);
  });

  it('tries last at the end of the window and gives up after it', () => {
    const day = policy.windowMs;
    expect(nextAttempt(policy, 20, 0, day - 60_000)).toBe(day);
    expect(nextAttempt(policy, 21, 0, day)).toBeUndefined();
    expect(nextAttempt(policy, 1, 0, day - 1)).toBe(day);
  });
});
