import type { Clock } from '@guardian/kube/clock';

/**
 * Admits a key at most once a minute (per replica); forgets old keys as it goes. What keeps
 * events anyone can cause (failed logins, refused credentials) from becoming unbounded writes
 * serialized on one chain's head.
 */
export class OncePerMinute {
  private readonly until = new Map<string, number>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  take(key: string): boolean {
    const now = this.clock.now();
    const until = this.until.get(key);
    if (until !== undefined && until > now) return false;
    if (this.until.size >= 10_000) {
      for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    }
    this.until.set(key, now + 60_000);
    return true;
  }
}
