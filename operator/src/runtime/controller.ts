import type { Clock } from '@guardian/kube/clock';
import type { Logger } from 'pino';
import type { OperatorMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';

export interface Result {
  /** Reconcile this key again after this long (a schedule, not a retry). */
  requeueAfter?: number;
}

/**
 * An error retrying cannot fix (bad input, a missing reference the user must create). The
 * controller records it through `onTerminal` (a condition on the object) and stops retrying
 * until the object changes.
 */
export class TerminalError extends Error {
  readonly reason: string;

  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TerminalError';
    this.reason = reason;
  }
}

export interface Reconciler {
  name: string;
  reconcile(key: string): Promise<Result | undefined>;
  onTerminal?(key: string, error: TerminalError): Promise<void>;
}

/** Runs a reconciler's workers over its queue. */
export class Controller {
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly log: Logger;
  private readonly metrics: OperatorMetrics;
  private workers: Promise<void>[] = [];

  constructor(reconciler: Reconciler, log: Logger, metrics: OperatorMetrics, clock?: Clock) {
    this.reconciler = reconciler;
    this.log = log.child({ controller: reconciler.name });
    this.metrics = metrics;
    this.queue = new WorkQueue({
      ...(clock ? { clock } : {}),
      onWait: (ms) => metrics.queueWait.observe({ controller: reconciler.name }, ms / 1000),
    });
  }

  get name(): string {
    return this.reconciler.name;
  }

  enqueue(key: string): void {
    this.queue.add(key);
    this.metrics.queueDepth.set({ controller: this.name }, this.queue.length);
  }

  /** Enqueues `key` ahead of the keys waiting (WorkQueue.addFirst). */
  enqueueFirst(key: string): void {
    this.queue.addFirst(key);
    this.metrics.queueDepth.set({ controller: this.name }, this.queue.length);
  }

  start(concurrency: number): void {
    this.workers = Array.from({ length: concurrency }, () => this.work());
  }

  /** Stops taking keys and waits for the reconciles in flight. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.metrics.queueDepth.set({ controller: this.name }, this.queue.length);
      try {
        await this.process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async process(key: string): Promise<void> {
    const labels = { controller: this.name };
    const end = this.metrics.reconcileDuration.startTimer(labels);
    try {
      const result = await this.reconciler.reconcile(key);
      this.queue.forget(key);
      if (result?.requeueAfter) this.queue.addAfter(key, result.requeueAfter);
      this.metrics.reconciles.inc({ ...labels, result: result?.requeueAfter ? 'requeue' : 'success' });
    } catch (error) {
      this.metrics.reconcileErrors.inc(labels);
      if (error instanceof TerminalError) {
        this.queue.forget(key);
        this.metrics.reconciles.inc({ ...labels, result: 'terminal' });
        this.log.info({ key, reason: error.reason, error: error.message }, 'Reconcile failed terminally');
        await this.reconciler.onTerminal?.(key, error).catch((cause: unknown) => {
          this.log.error({ key, err: cause }, 'Could not record a terminal error; retrying');
          this.queue.addRateLimited(key);
        });
        return;
      }
      const retryInMs = this.queue.addRateLimited(key);
      this.metrics.reconciles.inc({ ...labels, result: 'error' });
      this.log.warn({ key, err: error, retryInMs }, 'Reconcile failed; retrying');
    } finally {
      end();
    }
  }
}
