import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { sleep } from './clock.ts';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('sleep', () => {
  it('waits on the clock: a fake clock ends it when time reaches it, not before', async () => {
    const clock = new FakeClock();
    let woke = false;
    void sleep(clock, 2_000).then(() => {
      woke = true;
    });
    clock.advance(1_999);
    await flush();
    expect(woke).toBe(false);
    clock.advance(1);
    await flush();
    expect(woke).toBe(true);
  });

  it('ends early on abort, and clears its timer', async () => {
    const clock = new FakeClock();
    const abort = new AbortController();
    const slept = sleep(clock, 60_000, abort.signal);
    abort.abort();
    await slept;
    await sleep(clock, 1, abort.signal);
    expect(clock.now()).toBe(0);
  });
});
