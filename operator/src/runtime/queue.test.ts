import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.ts';
import { WorkQueue } from './queue.ts';

describe('WorkQueue', () => {
  it('queues a key added several times once', async () => {
    const queue = new WorkQueue();
    queue.add('org/a');
    queue.add('org/a');
    queue.add('org/b');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('org/a');
    expect(await queue.get()).toBe('org/b');
    expect(queue.length).toBe(0);
  });

  it('never hands out a key that is being processed; re-adds it after done', async () => {
    const queue = new WorkQueue();
    queue.add('org/a');
    const first = await queue.get();
    queue.add('org/a');
    expect(queue.length).toBe(0);
    let second: string | undefined;
    void queue.get().then((key) => {
      second = key;
    });
    await Promise.resolve();
    expect(second).toBeUndefined();
    queue.done(first as string);
    await Promise.resolve();
    expect(second).toBe('org/a');
  });

  it('serves a key added first before the keys waiting, once, and after its reconcile in flight', async () => {
    const queue = new WorkQueue();
    for (const key of ['org/a', 'org/b', 'org/c']) queue.add(key);
    queue.addFirst('org/next');
    queue.addFirst('org/c');
    expect(queue.length).toBe(4);
    expect(await queue.get()).toBe('org/c');
    queue.addFirst('org/c');
    expect(await queue.get()).toBe('org/next');
    queue.add('org/d');
    queue.done('org/c');
    expect([await queue.get(), await queue.get(), await queue.get(), await queue.get()]).toEqual([
      'org/c',
      'org/a',
      'org/b',
      'org/d',
    ]);
    expect(queue.length).toBe(0);
  });

  it('hands a key to a waiting worker as soon as it is added', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.add('org/x');
    expect(await waiting).toBe('org/x');
  });

  it('backs off exponentially per key until forgotten', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock, baseDelayMs: 100, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5].map(() => queue.addRateLimited('org/a'))).toEqual([100, 200, 400, 800, 1000]);
    expect(queue.addRateLimited('org/b')).toBe(100);
    queue.forget('org/a');
    expect(queue.addRateLimited('org/a')).toBe(100);
  });

  it('adds a delayed key when its time comes, and keeps the earliest of two delays', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    queue.addAfter('org/a', 1000);
    queue.addAfter('org/a', 300);
    queue.addAfter('org/a', 5000);
    clock.advance(299);
    expect(queue.length).toBe(0);
    clock.advance(1);
    expect(queue.length).toBe(1);
    clock.advance(10_000);
    expect(queue.length).toBe(1);
  });

  it('reports how long a key waited', async () => {
    const clock = new FakeClock();
    const waits: number[] = [];
    const queue = new WorkQueue({ clock, onWait: (ms) => waits.push(ms) });
    queue.add('org/a');
    clock.advance(250);
    await queue.get();
    expect(waits).toEqual([250]);
  });

  it('releases waiting workers on shutdown and accepts no more keys', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add('org/a');
    expect(queue.length).toBe(0);
  });
});
