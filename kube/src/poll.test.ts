import { describe, expect, it } from 'vitest';
import { poll, pollUntil } from './poll.ts';

/** A check that holds (with `value`) from its `n`th call on; counts its calls. */
function holdsFrom<T>(n: number, value: T) {
  const check = () => (++check.calls >= n ? value : undefined);
  check.calls = 0;
  return check;
}

describe('poll', () => {
  it('resolves with the first value that is neither undefined nor false, including 0 and ""', async () => {
    const check = holdsFrom(3, 0);
    expect(await poll(check, { timeoutMs: 5_000, intervalMs: 1 })).toBe(0);
    expect(check.calls).toBe(3);
    expect(await poll(async () => '', { timeoutMs: 0 })).toBe('');
  });

  it('treats false as "not yet", and resolves undefined once the time is up, after one attempt at least', async () => {
    const never = holdsFrom(Number.POSITIVE_INFINITY, true);
    const started = Date.now();
    expect(await poll(() => never() ?? false, { timeoutMs: 50, intervalMs: 5 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(never.calls).toBeGreaterThan(1);
    const once = holdsFrom(Number.POSITIVE_INFINITY, true);
    expect(await poll(() => once() ?? false, { timeoutMs: 0 })).toBeUndefined();
    expect(once.calls).toBe(1);
  });

  it("ends at a check's error, unless errors are retried", async () => {
    const failing = () => {
      throw new Error('boom');
    };
    await expect(poll(failing, { timeoutMs: 1_000 })).rejects.toThrow('boom');
    let calls = 0;
    const flaky = () => {
      if (++calls < 3) throw new Error('not yet');
      return 'ok';
    };
    expect(await poll(flaky, { timeoutMs: 5_000, intervalMs: 1, retryErrors: true })).toBe('ok');
  });
});

describe('pollUntil', () => {
  it('names what it waited for, with the last error as the cause', async () => {
    const error = await pollUntil(
      'the thing',
      () => {
        throw new Error('still broken');
      },
      { timeoutMs: 20, intervalMs: 5, retryErrors: true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('timed out after 0.02 s waiting for the thing');
    expect(((error as Error).cause as Error).message).toBe('still broken');
    // The control: a check that holds resolves with its value.
    expect(await pollUntil('the thing', holdsFrom(2, 'there'), { timeoutMs: 5_000, intervalMs: 1 })).toBe(
      'there',
    );
  });
});
