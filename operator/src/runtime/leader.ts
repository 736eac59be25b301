import { ApiError, isConflict, isNotFound, type KubeClient } from '@guardian/kube/client';
import { type Clock, sleep, systemClock } from '@guardian/kube/clock';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { Logger } from 'pino';

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

/** Where the one Lease of an election is read and written: the apiserver, or a test's memory. */
export interface LeaseStore {
  /** The Lease, or undefined where there is none. */
  get(): Promise<Lease | undefined>;
  /** Creates the Lease; fails with 409 when it exists. */
  create(spec: LeaseSpec): Promise<Lease>;
  /** Replaces the Lease; fails with 409 when `lease`'s resourceVersion is no longer current. */
  update(lease: Lease): Promise<Lease>;
}

export function kubeLeaseStore(client: KubeClient, namespace: string, name: string): LeaseStore {
  return {
    get: () => client.find<Lease>(core.lease, name, namespace),
    create: (spec) =>
      client.create<Lease>(core.lease, {
        apiVersion: core.lease.apiVersion,
        kind: core.lease.kind,
        metadata: { name, namespace },
        spec,
      }),
    update: (lease) => client.replace<Lease>(core.lease, lease),
  };
}

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
}

/** 'held' when this replica holds the Lease now, 'taken' when another does, 'failed' on a lost race. */
export type Attempt = 'held' | 'taken' | 'failed';

const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');
// A failure that stays the same is logged again this often, so a standby never waits in silence.
const REPEAT_FAILURE_LOG_MS = 60_000;

/**
 * Lease-based leader election with client-go's semantics: acquire when the Lease is free or
 * expired, renew every retry period, and give up leadership (exit) when a renewal cannot complete
 * within the renew deadline. Expiry is judged as client-go does, from when this process last saw
 * the Lease's record change (on its own clock), never from the holder's `renewTime` against the
 * local clock: a holder whose clock runs behind would otherwise lose the Lease early. Writes carry
 * the Lease's resourceVersion, so two candidates never both win. `release` (on SIGTERM) frees the
 * Lease so a standby takes over at once.
 */
export class LeaderElector {
  private readonly store: LeaseStore;
  private readonly log: Logger;
  private readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly stopping = new AbortController();
  private leading = false;
  /** The Lease's record as last seen, and when it was first seen so (client-go's observedTime). */
  private observed: { record: string; at: number } | undefined;
  private lastHolder: string | undefined;
  private lastFailure: { what: string; at: number } | undefined;

  constructor(store: LeaseStore, log: Logger, options: LeaderElectionOptions) {
    this.store = store;
    this.log = log.child({ lease: `${options.namespace}/${options.name}` });
    this.identity = options.identity;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.clock = options.clock ?? systemClock;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Resolves once this replica leads; then keeps renewing in the background and calls `onLost`
   * if leadership is lost.
   */
  async acquire(onLost: () => void): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      if ((await this.attempt()) === 'held') break;
      await sleep(this.clock, this.retryPeriodMs, signal);
    }
    if (signal.aborted) return;
    this.leading = true;
    this.log.info({ identity: this.identity }, 'Became leader');
    void this.renewLoop(onLost);
  }

  /** Gives the Lease up, if held, so a standby can take over without waiting for expiry. */
  async release(): Promise<void> {
    this.stopping.abort();
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.store.get();
      if (lease?.spec?.holderIdentity !== this.identity) return;
      await this.store.update({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: null,
          leaseDurationSeconds: 1,
          acquireTime: null,
          renewTime: microTime(this.clock.now()),
        },
      });
      this.log.info('Released the leader Lease');
    } catch (error) {
      this.log.warn({ err: error }, 'Could not release the leader Lease');
    }
  }

  /** One round of client-go's tryAcquireOrRenew: read the Lease, then take or renew it if allowed. */
  async tryAcquireOrRenew(): Promise<Attempt> {
    const now = this.clock.now();
    const durationSeconds = Math.ceil(this.leaseDurationMs / 1000);
    const lease = await this.store.get();
    if (!lease) {
      try {
        const created = await this.store.create({
          holderIdentity: this.identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        });
        this.observe(created, now);
        return 'held';
      } catch (error) {
        if (isConflict(error)) return 'failed';
        throw error;
      }
    }
    const spec = lease.spec ?? {};
    const observedAt = this.observe(lease, now);
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder && holder !== this.identity && observedAt + durationMs > now) {
      if (holder !== this.lastHolder)
        this.log.info({ holder }, 'The leader Lease is held by another replica; waiting');
      this.lastHolder = holder;
      return 'taken';
    }
    const ours = holder === this.identity;
    try {
      const written = await this.store.update({
        ...lease,
        spec: {
          holderIdentity: this.identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: ours ? spec.acquireTime : microTime(now),
          renewTime: microTime(now),
          leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
        },
      });
      this.observe(written, now);
      this.lastHolder = this.identity;
      return 'held';
    } catch (error) {
      if (isConflict(error) || isNotFound(error)) return 'failed';
      throw error;
    }
  }

  /** Records `lease` as seen at `now` unless its record is unchanged; returns when it last changed. */
  private observe(lease: Lease, now: number): number {
    const record = JSON.stringify(lease.spec ?? {});
    if (this.observed?.record !== record) this.observed = { record, at: now };
    return this.observed.at;
  }

  /** An attempt whose errors (a 403, an unreachable apiserver) are logged, not thrown. */
  private async attempt(): Promise<Attempt> {
    try {
      const outcome = await this.tryAcquireOrRenew();
      if (this.lastFailure) this.log.info('The leader Lease is reachable again');
      this.lastFailure = undefined;
      return outcome;
    } catch (error) {
      // Logged when the failure changes, and again once a minute while it lasts.
      const what = error instanceof ApiError ? `${error.status} ${error.reason}` : String(error);
      const now = this.clock.now();
      if (this.lastFailure?.what !== what || now - this.lastFailure.at >= REPEAT_FAILURE_LOG_MS) {
        this.log.warn(
          { err: error, leading: this.leading },
          'Could not read or write the leader Lease; retrying',
        );
        this.lastFailure = { what, at: now };
      }
      return 'failed';
    }
  }

  private async renewLoop(onLost: () => void): Promise<void> {
    const { signal } = this.stopping;
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const outcome = await this.attempt();
      if (outcome === 'held') {
        lastRenew = this.clock.now();
        continue;
      }
      // Another holder is final; a failed write is retried until the renew deadline passes.
      if (outcome === 'taken' || this.clock.now() - lastRenew > this.renewDeadlineMs) {
        this.leading = false;
        this.log.error({ outcome }, 'Lost the leader Lease');
        onLost();
        return;
      }
    }
  }
}
