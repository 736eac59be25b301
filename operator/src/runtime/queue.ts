import { type Clock, systemClock } from '@guardian/kube/clock';

export interface QueueOptions {
  clock?: Clock;
  /** First retry delay after a failure; doubles per consecutive failure of the same key. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Observes how long each key waited between being added and being handed to a worker. */
  onWait?: (ms: number) => void;
}

/**
 * A de-duplicating work queue with client-go's contract: a key added while queued is queued
 * once; a key added while being processed is queued again only after `done`, so no key is ever
 * processed twice at once. Failures back off exponentially per key until `forget`.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys added first while being processed: queued ahead of the others once done. */
  private readonly first = new Set<string>();
  private readonly addedAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; handle: unknown }>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onWait: ((ms: number) => void) | undefined;
  private shuttingDown = false;

  constructor(options: QueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.onWait = options.onWait;
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) this.handOut(key, waiter);
    else this.queue.push(key);
  }

  /**
   * Adds `key` ahead of every key waiting: work something waits on now (a freed slot's next run),
   * not to be served after a burst of routine reconciles. Queued already, it moves to the front;
   * being processed, it goes first once done.
   */
  addFirst(key: string): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key)) {
      this.first.add(key);
      this.add(key);
      return;
    }
    if (this.dirty.has(key)) {
      const at = this.queue.indexOf(key);
      if (at > 0) this.queue.unshift(...this.queue.splice(at, 1));
      return;
    }
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    const waiter = this.waiters.shift();
    if (waiter) this.handOut(key, waiter);
    else this.queue.unshift(key);
  }

  /** Adds `key` after `ms`; of several pending delays for one key, the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, handle });
  }

  /** Re-adds a failed key with exponential backoff. */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = Math.min(this.baseDelayMs * 2 ** failures, this.maxDelayMs);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the failure count of `key` (after a success, or a terminal error). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waits for the next key; undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    const first = this.first.delete(key);
    if (!this.dirty.has(key) || this.shuttingDown) return;
    const waiter = this.waiters.shift();
    if (waiter) this.handOut(key, waiter);
    else if (first) this.queue.unshift(key);
    else this.queue.push(key);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { handle } of this.delayed.values()) this.clock.clearTimeout(handle);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private handOut(key: string, waiter: (key: string) => void): void {
    waiter(this.take(key));
  }

  private take(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    const added = this.addedAt.get(key);
    if (added !== undefined) this.onWait?.(this.clock.now() - added);
    this.addedAt.delete(key);
    return key;
  }
}
