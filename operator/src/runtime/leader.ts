import { setTimeout as sleep } from 'node:timers/promises';
import { isConflict, isNotFound, type KubeClient } from '@guardian/kube/client';
import { type Clock, systemClock } from '@guardian/kube/clock';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { Logger } from 'pino';

interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
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

const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

/**
 * Lease-based leader election with client-go's semantics: acquire when the Lease is free or
 * expired, renew every retry period, and give up leadership (exit) when a renewal cannot
 * complete within the renew deadline. Writes use the Lease's resourceVersion, so two candidates
 * never both win. `release` (on SIGTERM) frees the Lease so a standby takes over at once.
 */
export class LeaderElector {
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly options: Required<LeaderElectionOptions>;
  private leading = false;
  private stopped = false;

  constructor(client: KubeClient, log: Logger, options: LeaderElectionOptions) {
    this.client = client;
    this.log = log.child({ lease: `${options.namespace}/${options.name}` });
    this.options = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      clock: systemClock,
      ...options,
    };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Resolves once this replica leads; then keeps renewing in the background and calls `onLost`
   * if leadership is lost.
   */
  async acquire(onLost: () => void): Promise<void> {
    while (!this.stopped) {
      if ((await this.tryAcquireOrRenew().catch(() => 'failed')) === 'held') break;
      await sleep(this.options.retryPeriodMs);
    }
    if (this.stopped) return;
    this.leading = true;
    this.log.info({ identity: this.options.identity }, 'Became leader');
    void this.renewLoop(onLost);
  }

  /** Gives the Lease up, if held, so a standby can take over without waiting for expiry. */
  async release(): Promise<void> {
    this.stopped = true;
    if (!this.leading) return;
    this.leading = false;
    const lease = await this.client.find<Lease>(core.lease, this.options.name, this.options.namespace);
    if (lease?.spec?.holderIdentity !== this.options.identity) return;
    const now = this.options.clock.now();
    await this.client
      .replace(core.lease, {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: null,
          leaseDurationSeconds: 1,
          acquireTime: null,
          renewTime: microTime(now),
        },
      })
      .then(
        () => this.log.info('Released the leader Lease'),
        (error: unknown) => this.log.warn({ err: error }, 'Could not release the leader Lease'),
      );
  }

  private async renewLoop(onLost: () => void): Promise<void> {
    let lastRenew = this.options.clock.now();
    while (!this.stopped) {
      await sleep(this.options.retryPeriodMs);
      if (this.stopped) return;
      const outcome = await this.tryAcquireOrRenew().catch((error: unknown) => {
        this.log.warn({ err: error }, 'Could not renew the leader Lease');
        return 'failed' as const;
      });
      if (outcome === 'held') {
        lastRenew = this.options.clock.now();
        continue;
      }
      // Another holder is final; a failed write is retried until the renew deadline passes.
      if (outcome === 'taken' || this.options.clock.now() - lastRenew > this.options.renewDeadlineMs) {
        this.leading = false;
        this.log.error({ outcome }, 'Lost the leader Lease');
        onLost();
        return;
      }
    }
  }

  /** 'held' when this replica holds the Lease now, 'taken' when another does, 'failed' on a lost race. */
  private async tryAcquireOrRenew(): Promise<'held' | 'taken' | 'failed'> {
    const { namespace, name, identity } = this.options;
    const now = this.options.clock.now();
    const durationSeconds = Math.ceil(this.options.leaseDurationMs / 1000);
    const lease = await this.client.find<Lease>(core.lease, name, namespace);
    if (!lease) {
      try {
        await this.client.create<Lease>(core.lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        return 'held';
      } catch (error) {
        if (isConflict(error)) return 'failed';
        throw error;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewedAt = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expired = renewedAt + (spec.leaseDurationSeconds ?? durationSeconds) * 1000 < now;
    if (holder && holder !== identity && !expired) return 'taken';
    const transitions = (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    try {
      await this.client.replace<Lease>(core.lease, {
        ...lease,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: holder === identity ? spec.acquireTime : microTime(now),
          renewTime: microTime(now),
          leaseTransitions: transitions,
        },
      });
      return 'held';
    } catch (error) {
      if (isConflict(error) || isNotFound(error)) return 'failed';
      throw error;
    }
  }
}
