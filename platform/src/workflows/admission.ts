/** A run in its organization's queue for concurrent-workflow slots. */
export interface QueuedRun {
  uid: string;
  name: string;
  /** The run's creationTimestamp (RFC 3339). */
  createdAt: string;
  /** Whether it holds a slot. */
  admitted: boolean;
}

/** First come first served: by creationTimestamp, then name. */
export function queueOrder(a: QueuedRun, b: QueuedRun): number {
  const at = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (at !== 0) return at;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Whether run `uid` of `queue` may hold a slot now, under `limit` (null: unlimited): it holds one
 * already, or the runs waiting ahead of it, with the runs holding slots, leave one free. So the
 * first `limit - holders` waiters are admitted, each when its own reconcile asks, in any order,
 * and the slots held never exceed the limit (a lower limit admits nobody until enough runs end).
 */
export function admits(queue: readonly QueuedRun[], uid: string, limit: number | null): boolean {
  const me = queue.find((run) => run.uid === uid);
  if (!me) return false;
  if (me.admitted || limit === null) return true;
  const holders = queue.filter((run) => run.admitted).length;
  const ahead = queue.filter((run) => !run.admitted && queueOrder(run, me) < 0).length;
  return holders + ahead < limit;
}

/** The waiting runs that `admits` would let in now, in queue order: whom to wake when a slot frees. */
export function admissible<T extends QueuedRun>(queue: readonly T[], limit: number | null): T[] {
  const waiting = queue.filter((run) => !run.admitted).sort(queueOrder);
  if (limit === null) return waiting;
  const free = Math.max(0, limit - queue.filter((run) => run.admitted).length);
  return waiting.slice(0, free);
}
