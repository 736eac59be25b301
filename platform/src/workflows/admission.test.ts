import { describe, expect, it } from 'vitest';
import { admissible, admits, type QueuedRun, queueOrder } from './admission.ts';

const run = (name: string, second: number, admitted = false): QueuedRun => ({
  uid: `uid-${name}`,
  name,
  createdAt: `2025-01-01T00:00:${String(second).padStart(2, '0')}Z`,
  admitted,
});

describe('concurrent-workflow admission', () => {
  it('admits the first waiters up to the free slots, in any order they ask, and no one more', () => {
    const queue = [run('d', 4), run('b', 2), run('holder', 0, true), run('c', 3), run('a', 1)];
    // limit 3: one held, so a and b (the two oldest waiters) may start; c and d wait.
    expect(['a', 'b', 'c', 'd'].map((name) => admits(queue, `uid-${name}`, 3))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(admissible(queue, 3).map((r) => r.name)).toEqual(['a', 'b']);
    // Whatever order their reconciles take, holders never exceed the limit.
    for (const order of [
      ['d', 'c', 'b', 'a'],
      ['b', 'd', 'a', 'c'],
    ]) {
      const state = queue.map((r) => ({ ...r }));
      for (const name of order) {
        const me = state.find((r) => r.name === name);
        if (me && admits(state, me.uid, 3)) me.admitted = true;
      }
      expect(
        state
          .filter((r) => r.admitted)
          .map((r) => r.name)
          .sort(),
      ).toEqual(['a', 'b', 'holder']);
    }
  });

  it('orders by creationTimestamp, then name', () => {
    const queue = [run('b', 1), run('a', 1), run('z', 0)].sort(queueOrder);
    expect(queue.map((r) => r.name)).toEqual(['z', 'a', 'b']);
    expect(admits([run('b', 1), run('a', 1)], 'uid-b', 1)).toBe(false);
    expect(admits([run('b', 1), run('a', 1)], 'uid-a', 1)).toBe(true);
  });

  it('keeps a slot once held, even above a lowered limit, and admits nobody until enough end', () => {
    const queue = [run('x', 0, true), run('y', 1, true), run('w', 2)];
    expect(admits(queue, 'uid-x', 1)).toBe(true);
    expect(admits(queue, 'uid-w', 1)).toBe(false);
    expect(admits(queue, 'uid-w', 3)).toBe(true);
    expect(admissible(queue, 1)).toEqual([]);
  });

  it('admits everyone without a limit, and no run that is not queued', () => {
    expect(admits([run('a', 0), run('b', 1)], 'uid-b', null)).toBe(true);
    expect(admits([run('a', 0)], 'uid-b', null)).toBe(false);
    expect(admits([run('a', 0)], 'uid-a', 0)).toBe(false);
  });
});
