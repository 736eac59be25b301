/** How deliveries retry: exponentially from `baseMs`, each wait at most `maxDelayMs`, for `windowMs`. */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  /** How long after its event a delivery may still be retried (24 h); then the endpoint is disabled. */
  windowMs: number;
}

/**
 * When to try again after `attempts` failed attempts of a delivery created at `createdAt`, or
 * undefined once the window is spent (the delivery has failed for good). No jitter: one endpoint's
 * queue is retried by one worker at a time, so there is no herd to spread.
 */
export function nextAttempt(
  policy: RetryPolicy,
  attempts: number,
  createdAt: number,
  now: number,
): number | undefined {
  const delay = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const at = now + delay;
  if (now - createdAt >= policy.windowMs) return undefined;
  return Math.min(at, createdAt + policy.windowMs);
}
