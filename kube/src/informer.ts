import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ApiError, type KubeClient, type WatchEvent } from './client.ts';
import { type Clock, systemClock } from './clock.ts';
import { type KubeObject, keyOf, type Resource } from './resources.ts';

export type ChangeHandler<T> = (object: T, change: 'upsert' | 'delete' | 'resync') => void;

export interface InformerOptions {
  labelSelector?: string;
  /** How often every cached object is handed to the handlers again, so drift is repaired. */
  resyncMs?: number;
  /** The informer is stale (and /healthz fails) when it cannot list or watch for this long. */
  staleAfterMs?: number;
  clock?: Clock;
}

class Gone extends Error {}

/**
 * A cache of one resource kept current by list + watch. A watch that ends is resumed from the
 * last resourceVersion; 410 Gone relists; any other error restarts with jittered exponential
 * backoff. Handlers receive objects, and controllers enqueue keys only.
 */
export class Informer<T extends KubeObject> {
  readonly resource: Resource;
  readonly store = new Map<string, T>();
  private readonly handlers: ChangeHandler<T>[] = [];
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly options: Required<Omit<InformerOptions, 'labelSelector'>> & { labelSelector?: string };
  private readonly abort = new AbortController();
  private resourceVersion = '';
  private synced = false;
  private failingSince: number | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** Relists done, for tests and metrics. */
  relists = 0;

  constructor(client: KubeClient, resource: Resource, log: Logger, options: InformerOptions = {}) {
    this.client = client;
    this.resource = resource;
    this.log = log.child({ informer: resource.plural });
    this.options = {
      ...options,
      resyncMs: options.resyncMs ?? 10 * 60_000,
      staleAfterMs: options.staleAfterMs ?? 60_000,
      clock: options.clock ?? systemClock,
    };
  }

  onChange(handler: ChangeHandler<T>): void {
    this.handlers.push(handler);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  isStale(): boolean {
    return (
      this.failingSince !== undefined &&
      this.options.clock.now() - this.failingSince > this.options.staleAfterMs
    );
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): T[] {
    return [...this.store.values()];
  }

  start(): void {
    void this.run();
    this.resyncTimer = setInterval(() => {
      for (const object of this.store.values()) this.emit(object, 'resync');
    }, this.options.resyncMs);
    this.resyncTimer.unref();
  }

  stop(): void {
    this.abort.abort();
    clearInterval(this.resyncTimer);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        if (!this.resourceVersion) await this.relist();
        // Server-side timeouts end each watch within minutes, so a silently dead connection is
        // replaced; the jitter spreads the reconnects of many informers.
        const timeoutSeconds = 240 + Math.floor(Math.random() * 60);
        const query = {
          resourceVersion: this.resourceVersion,
          labelSelector: this.options.labelSelector,
          timeoutSeconds,
        };
        await this.client.watch<T>(this.resource, query, (event) => this.apply(event), this.abort.signal);
        failures = 0;
        this.failingSince = undefined;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof Gone || (error instanceof ApiError && error.status === 410)) {
          this.resourceVersion = '';
          continue;
        }
        failures++;
        this.failingSince ??= this.options.clock.now();
        const backoff = Math.min(200 * 2 ** failures, 30_000);
        const delay = backoff / 2 + Math.random() * (backoff / 2);
        this.log.warn({ err: error, retryInMs: Math.round(delay) }, 'Watch failed; restarting');
        await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.client.list<T>(this.resource, { labelSelector: this.options.labelSelector });
    const seen = new Set<string>();
    for (const item of list.items) {
      const object = { apiVersion: this.resource.apiVersion, kind: this.resource.kind, ...item } as T;
      const key = keyOf(object);
      seen.add(key);
      this.upsert(key, object);
    }
    for (const [key, object] of this.store) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.emit(object, 'delete');
      }
    }
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.relists++;
    this.synced = true;
    this.failingSince = undefined;
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string };
      if (status.code === 410) throw new Gone(status.message);
      throw new ApiError(status.code ?? 500, 'WatchError', status.message ?? 'watch error');
    }
    this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
    this.failingSince = undefined;
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(event.object);
    if (event.type === 'DELETED') {
      this.store.delete(key);
      this.emit(event.object, 'delete');
    } else {
      this.upsert(key, event.object);
    }
  }

  private upsert(key: string, object: T): void {
    // managedFields are the largest part of most objects and no controller here reads them:
    // dropping them roughly halves the cache (controller-runtime does the same).
    if (object.metadata) delete (object.metadata as { managedFields?: unknown }).managedFields;
    const previous = this.store.get(key);
    this.store.set(key, object);
    if (previous?.metadata?.resourceVersion !== object.metadata?.resourceVersion) this.emit(object, 'upsert');
  }

  private emit(object: T, change: 'upsert' | 'delete' | 'resync'): void {
    for (const handler of this.handlers) handler(object, change);
  }
}
