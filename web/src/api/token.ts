import { isApiError } from './errors.ts';

/**
 * unknown: not asked yet; signed-in: a token is held; signed-out: there is no session (never
 * was, or the person signed out); expired: the session ended while the console was using it.
 */
export type SessionState = 'unknown' | 'signed-in' | 'signed-out' | 'expired';

export interface IssuedToken {
  accessToken: string;
  /** Seconds, as POST /auth/token says. */
  expiresIn: number;
}

export interface Timers {
  now(): number;
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimers: Timers = {
  now: () => Date.now(),
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A token closer than this to its expiry is not used: a request takes time to arrive. */
const EXPIRY_MARGIN_MS = 5_000;
/** After a renewal that failed for want of an answer, try again this soon (while the token lasts). */
const RETRY_MS = 10_000;

/**
 * When to renew a token that lives `lifetimeMs`: once a fifth of its life is left, but between
 * 5 s and 2 min before it expires, so short lifetimes still leave time for a retry.
 */
export function renewalDelay(lifetimeMs: number): number {
  const lead = Math.min(120_000, Math.max(5_000, lifetimeMs * 0.2));
  return Math.max(0, lifetimeMs - lead);
}

/**
 * The platform access token, held in memory only: never in localStorage, sessionStorage,
 * IndexedDB or a readable cookie, where any script of the page (or an extension) could take it.
 * It comes from the HttpOnly session cookie (POST /auth/token) and is renewed before it expires;
 * a reload simply exchanges the session again.
 */
export class TokenSource {
  private readonly exchange: () => Promise<IssuedToken>;
  private readonly timers: Timers;
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private timer: unknown;
  private state: SessionState = 'unknown';
  private readonly listeners = new Set<(state: SessionState) => void>();

  constructor(exchange: () => Promise<IssuedToken>, timers: Timers = browserTimers) {
    this.exchange = exchange;
    this.timers = timers;
  }

  get sessionState(): SessionState {
    return this.state;
  }

  /** Calls `listener` on every change of the session state; returns the unsubscribe. */
  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A token with time left: the one held, or a fresh one. Throws the exchange's ApiError. */
  async get(): Promise<string> {
    if (this.token && this.timers.now() < this.token.expiresAt - EXPIRY_MARGIN_MS) return this.token.value;
    return this.renew();
  }

  /** Exchanges the session for a new token now; concurrent callers share one exchange. */
  renew(): Promise<string> {
    this.pending ??= this.exchangeOnce().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The API refused `token` (401): it is not used again, so the next `get` renews. */
  invalidate(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  /** Forgets the token, e.g. on sign-out. */
  clear(state: 'signed-out' | 'expired' = 'signed-out'): void {
    this.token = undefined;
    this.schedule(undefined);
    this.setState(state);
  }

  private async exchangeOnce(): Promise<string> {
    try {
      const issued = await this.exchange();
      const lifetimeMs = issued.expiresIn * 1000;
      this.token = { value: issued.accessToken, expiresAt: this.timers.now() + lifetimeMs };
      this.schedule(renewalDelay(lifetimeMs));
      this.setState('signed-in');
      return issued.accessToken;
    } catch (error) {
      if (isApiError(error, 'unauthenticated')) {
        // The session is gone: expired if the console was using it, else there never was one.
        this.clear(this.state === 'signed-in' || this.state === 'expired' ? 'expired' : 'signed-out');
      } else if (this.token && this.token.expiresAt - this.timers.now() > RETRY_MS) {
        this.schedule(RETRY_MS);
      }
      throw error;
    }
  }

  private schedule(delayMs: number | undefined): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer =
      delayMs === undefined
        ? undefined
        : this.timers.set(() => {
            this.timer = undefined;
            this.renew().catch(() => undefined);
          }, delayMs);
  }

  private setState(state: SessionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
