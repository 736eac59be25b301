import { createHash } from 'node:crypto';
import type { Clock } from '@guardian/kube/clock';

/**
 * Tenant databases this process provisioned or checked lately, so that the reconciles an
 * Organization's own writes trigger (its finalizer, its children, its status) skip Postgres. An
 * entry holds for `ttlMs` and only for the same server and password: a replaced Secret, a restart
 * or the next resync after it expires checks the database again.
 */
export class VerifiedDatabases {
  private readonly entries = new Map<string, { fingerprint: string; until: number }>();
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private nextSweep = 0;

  constructor(ttlMs: number, clock: Clock) {
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  has(organizationUid: string, server: string, password: string): boolean {
    const entry = this.entries.get(organizationUid);
    return (
      entry !== undefined &&
      entry.until > this.clock.now() &&
      entry.fingerprint === fingerprint(server, password)
    );
  }

  add(organizationUid: string, server: string, password: string): void {
    this.sweep();
    this.entries.set(organizationUid, {
      fingerprint: fingerprint(server, password),
      until: this.clock.now() + this.ttlMs,
    });
  }

  delete(organizationUid: string): void {
    this.entries.delete(organizationUid);
  }

  /** Forgets expired entries (of organizations gone without a finalizer), at most once a period. */
  private sweep(): void {
    const now = this.clock.now();
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.ttlMs;
    for (const [uid, entry] of this.entries) if (entry.until <= now) this.entries.delete(uid);
  }
}

// Only a digest of the password is kept, so the memory holds no credential besides the informer's.
const fingerprint = (server: string, password: string) =>
  createHash('sha256').update(`${server}\0${password}`).digest('base64url');
