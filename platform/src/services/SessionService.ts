import type { Clock } from '@guardian/kube/clock';
import { randomId, sha256 } from '../crypto/random.ts';
import type { Session, SessionStore } from '../stores/SessionStore.ts';
import type { Identity } from './AccessService.ts';

export interface ActiveSession {
  session: Session;
  identity: Identity;
}

/** Browser sessions: a random cookie value, stored only as its SHA-256, expiring server-side. */
export class SessionService {
  private readonly store: SessionStore;
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(options: { store: SessionStore; clock: Clock; ttlMs: number }) {
    this.store = options.store;
    this.clock = options.clock;
    this.ttlMs = options.ttlMs;
  }

  async create(identity: Identity, loginOrgId: string | null): Promise<{ id: string; maxAgeMs: number }> {
    const id = randomId();
    await this.store.create(sha256(id), {
      userId: identity.userId,
      issuer: identity.issuer,
      loginOrgId,
      email: identity.email,
      emailVerified: identity.emailVerified,
      groups: identity.groups,
      expiresAt: new Date(this.clock.now() + this.ttlMs),
    });
    return { id, maxAgeMs: this.ttlMs };
  }

  async resolve(id: string): Promise<ActiveSession | undefined> {
    const session = await this.store.findLive(sha256(id), new Date(this.clock.now()));
    if (!session) return undefined;
    return {
      session,
      identity: {
        userId: session.userId,
        issuer: session.issuer,
        email: session.email,
        emailVerified: session.emailVerified,
        groups: session.groups,
      },
    };
  }

  revoke(id: string): Promise<boolean> {
    return this.store.delete(sha256(id));
  }
}
