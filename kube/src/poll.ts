import { setTimeout as sleep } from 'node:timers/promises';

/** What a check answers: a value when it holds, `undefined` or `false` for "not yet". */
export type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

export interface PollOptions {
  /** How long to keep trying (`Infinity`: until the check holds). */
  timeoutMs: number;
  /** The pause between two attempts (default 100 ms). */
  intervalMs?: number;
  /**
   * An error thrown by the check counts as "not yet" (the last one becomes the timeout's cause)
   * instead of ending the poll.
   */
  retryErrors?: boolean;
}

type Outcome<T> = { held: true; value: T } | { held: false; lastError: unknown };

// The one polling loop: checks at once, then every intervalMs until the check holds or the time
// is up (after at least one attempt). Real time, no injected clock: what is polled is outside.
async function run<T>(check: Check<T>, options: PollOptions): Promise<Outcome<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return { held: true, value };
    } catch (error) {
      if (!options.retryErrors) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) return { held: false, lastError };
    await sleep(options.intervalMs ?? 100);
  }
}

/** Polls `check` until it holds and resolves with its value, or with undefined once the time is up. */
export async function poll<T>(check: Check<T>, options: PollOptions): Promise<T | undefined> {
  const outcome = await run(check, options);
  return outcome.held ? outcome.value : undefined;
}

/** `poll`, failing with "timed out waiting for <what>" when the time is up. */
export async function pollUntil<T>(what: string, check: Check<T>, options: PollOptions): Promise<T> {
  const outcome = await run(check, options);
  if (outcome.held) return outcome.value;
  throw new Error(`timed out after ${options.timeoutMs / 1000} s waiting for ${what}`, {
    cause: outcome.lastError,
  });
}
