import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors.ts';
import { type IssuedToken, renewalDelay, type Timers, TokenSource } from './token.ts';

/** A clock and timers the test moves by hand. */
function manualTimers() {
  let now = 1_000_000;
  let next = 1;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    now: () => now,
    set: (callback, ms) => {
      pending.set(next, { at: now + ms, callback });
      return next++;
    },
    clear: (handle) => pending.delete(handle as number),
  };
  return {
    timers,
    scheduled: () => [...pending.values()].map((timer) => timer.at - now),
    /** Moves the clock, firing what falls due. */
    async advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...pending]) {
        if (timer.at <= now) {
          pending.delete(id);
          timer.callback();
        }
      }
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

const issued = (accessToken: string, expiresIn = 900): IssuedToken => ({ accessToken, expiresIn });
const unauthenticated = () => new ApiError('unauthenticated', 'No session', { status: 401 });

describe('renewalDelay', () => {
  it.each([
    [900_000, 780_000], // 15 min tokens: renewed 2 min before they expire
    [300_000, 240_000], // a fifth of the lifetime
    [60_000, 48_000],
    [10_000, 5_000], // at least 5 s before
    [3_000, 0], // never in the past
  ])('renews a token living %i ms after %i ms', (lifetime, delay) => {
    expect(renewalDelay(lifetime)).toBe(delay);
  });
});

describe('TokenSource', () => {
  it('exchanges the session once for concurrent callers, then answers from memory', async () => {
    const exchange = vi.fn(async () => issued('t1'));
    const tokens = new TokenSource(exchange, manualTimers().timers);
    expect(tokens.sessionState).toBe('unknown');
    const [a, b] = await Promise.all([tokens.get(), tokens.get()]);
    expect([a, b]).toEqual(['t1', 't1']);
    expect(await tokens.get()).toBe('t1');
    expect(exchange).toHaveBeenCalledTimes(1);
    expect(tokens.sessionState).toBe('signed-in');
  });

  it('renews before the token expires, and hands out the new one', async () => {
    const clock = manualTimers();
    const exchange = vi.fn<() => Promise<IssuedToken>>().mockResolvedValueOnce(issued('t1'));
    exchange.mockResolvedValueOnce(issued('t2'));
    const tokens = new TokenSource(exchange, clock.timers);
    await tokens.get();
    expect(clock.scheduled()).toEqual([780_000]);
    await clock.advance(779_000);
    expect(exchange).toHaveBeenCalledTimes(1);
    await clock.advance(1_000);
    expect(exchange).toHaveBeenCalledTimes(2);
    expect(await tokens.get()).toBe('t2');
    expect(clock.scheduled()).toEqual([780_000]);
  });

  it('exchanges again on demand when the token is about to expire (a sleeping tab missed its timer)', async () => {
    const clock = manualTimers();
    const exchange = vi.fn<() => Promise<IssuedToken>>().mockResolvedValueOnce(issued('t1', 60));
    exchange.mockResolvedValueOnce(issued('t2', 60));
    const tokens = new TokenSource(exchange, clock.timers);
    await tokens.get();
    expect(await tokens.get()).toBe('t1');
    clock.timers.clear(1); // the renewal timer never fired
    await clock.advance(56_000);
    expect(await tokens.get()).toBe('t2');
  });

  it('reports no session (signed-out) when there never was one, and an ended one as expired', async () => {
    const clock = manualTimers();
    const exchange = vi.fn<() => Promise<IssuedToken>>().mockRejectedValueOnce(unauthenticated());
    const tokens = new TokenSource(exchange, clock.timers);
    const states: string[] = [];
    tokens.subscribe((state) => states.push(state));
    await expect(tokens.get()).rejects.toMatchObject({ kind: 'unauthenticated' });
    expect(tokens.sessionState).toBe('signed-out');

    exchange.mockResolvedValueOnce(issued('t1'));
    await tokens.get();
    exchange.mockRejectedValueOnce(unauthenticated());
    await clock.advance(780_000);
    expect(tokens.sessionState).toBe('expired');
    expect(states).toEqual(['signed-out', 'signed-in', 'expired']);
    expect(clock.scheduled()).toEqual([]);
  });

  it('keeps a valid token when a renewal gets no answer, and tries again shortly', async () => {
    const clock = manualTimers();
    const exchange = vi.fn<() => Promise<IssuedToken>>().mockResolvedValueOnce(issued('t1'));
    const tokens = new TokenSource(exchange, clock.timers);
    await tokens.get();
    exchange.mockRejectedValueOnce(ApiError.network(new TypeError('fetch failed')));
    await clock.advance(780_000);
    expect(tokens.sessionState).toBe('signed-in');
    expect(await tokens.get()).toBe('t1');
    expect(clock.scheduled()).toEqual([10_000]);
    exchange.mockResolvedValueOnce(issued('t2'));
    await clock.advance(10_000);
    expect(await tokens.get()).toBe('t2');
  });

  it('drops a token the API refused, so the next caller gets a new one; a stale refusal drops nothing', async () => {
    const exchange = vi.fn<() => Promise<IssuedToken>>().mockResolvedValueOnce(issued('t1'));
    exchange.mockResolvedValueOnce(issued('t2'));
    const tokens = new TokenSource(exchange, manualTimers().timers);
    await tokens.get();
    tokens.invalidate('t0');
    expect(await tokens.get()).toBe('t1');
    tokens.invalidate('t1');
    expect(await tokens.get()).toBe('t2');
  });

  it('forgets the token on sign-out and cancels the renewal', async () => {
    const clock = manualTimers();
    const tokens = new TokenSource(async () => issued('t1'), clock.timers);
    await tokens.get();
    tokens.clear();
    expect(tokens.sessionState).toBe('signed-out');
    expect(clock.scheduled()).toEqual([]);
  });
});
