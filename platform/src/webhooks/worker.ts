import type { Clock } from '@guardian/kube/clock';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/AuditLog.ts';
import { logError } from '../http/log-error.ts';
import type { Lease, WebhookStore } from '../stores/WebhookStore.ts';
import { nextAttempt, type RetryPolicy } from './backoff.ts';
import { openSecret } from './secret.ts';
import { sendMessage } from './sender.ts';

export interface DeliveryWorkerOptions {
  store: WebhookStore;
  audit: AuditLog;
  /** The outbound-guarded fetch, with a bounded response body. */
  fetcher: typeof fetch;
  encryptionKey: Buffer;
  retry: RetryPolicy;
  /** One attempt's limit; a lease lasts a few of these. */
  timeoutMs: number;
  /** How often an idle worker looks for due queues. */
  pollMs: number;
  /** Queues this replica works on at once. */
  concurrency: number;
  /** At most this many deliveries per lease, so one busy endpoint does not hold a worker. */
  batch: number;
  clock: Clock;
  log: Logger;
}

/**
 * Delivers the outbox. Each replica runs `concurrency` loops; a loop leases one endpoint's queue
 * (FOR UPDATE SKIP LOCKED on its dispatch row, then a lease that outlives a crash by at most its
 * length) and sends its pending deliveries oldest first, stopping at the first that fails, so each
 * endpoint receives its events in order, one at a time, from one replica. A replica killed
 * mid-delivery loses its lease; another sends that delivery again (at least once: receivers
 * de-duplicate by `webhook-id`).
 */
export class DeliveryWorker {
  private readonly o: DeliveryWorkerOptions;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();

  constructor(options: DeliveryWorkerOptions) {
    this.o = options;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.o.concurrency }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.sleepers) wake();
    await Promise.all(this.loops);
  }

  private leaseMs(): number {
    return 3 * this.o.timeoutMs;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        const lease = await this.o.store.claim(new Date(this.o.clock.now()), this.leaseMs());
        if (lease) {
          worked = true;
          await this.work(lease);
        }
      } catch (error) {
        this.o.log.warn({ error: logError(error) }, 'Webhook delivery failed to run');
      }
      if (!worked) await this.sleep(this.o.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Sends the leased queue's due deliveries in order; gives the lease back with its next due time. */
  private async work(lease: Lease): Promise<void> {
    const { store, clock } = this.o;
    let due: Date | undefined;
    try {
      for (let sent = 0; ; sent++) {
        const head = await store.head(lease);
        const now = clock.now();
        if (!head) break;
        if (head.nextAttemptAt.getTime() > now || sent >= this.o.batch || !this.running) {
          due = head.nextAttemptAt.getTime() > now ? head.nextAttemptAt : new Date(now);
          break;
        }
        await store.extend(lease, new Date(now + this.leaseMs()));
        const outcome = await sendMessage(
          this.o.fetcher,
          {
            id: head.eventId,
            url: head.url,
            secret: openSecret(this.o.encryptionKey, head.secretSealed, lease.endpointId),
            body: JSON.stringify(head.payload),
          },
          new Date(now),
          this.o.timeoutMs,
        );
        const at = new Date(clock.now());
        if (outcome.ok) {
          await store.recordAttempt(lease, head.id, at, {
            status: 'delivered',
            httpStatus: outcome.status,
            error: null,
          });
          continue;
        }
        const retryAt = nextAttempt(this.o.retry, head.attempts + 1, head.createdAt.getTime(), at.getTime());
        const failure = { httpStatus: outcome.status, error: outcome.error };
        if (retryAt !== undefined) {
          await store.recordAttempt(lease, head.id, at, {
            status: 'pending',
            ...failure,
            retryAt: new Date(retryAt),
          });
          due = new Date(retryAt);
          break;
        }
        await store.recordAttempt(lease, head.id, at, { status: 'failed', ...failure });
        await this.disable(lease, head.id, at);
        break;
      }
    } catch (error) {
      // Not idle: the queue is looked at again after a timeout's length.
      due = new Date(clock.now() + this.o.timeoutMs);
      throw error;
    } finally {
      await store.release(lease, due, new Date(clock.now()));
    }
  }

  /** An endpoint that failed a delivery for the whole retry window is disabled, with an audit entry. */
  private async disable(lease: Lease, deliveryId: string, at: Date): Promise<void> {
    const reason = 'A delivery kept failing for the whole retry window';
    if (!(await this.o.store.disable(lease.orgId, lease.endpointId, reason, at))) return;
    await this.o.audit.append({
      orgId: lease.orgId,
      actor: 'system',
      action: 'webhook.disabled',
      target: lease.endpointId,
      detail: { reason, delivery_id: deliveryId },
      key: `webhook.disabled:${lease.endpointId}:${deliveryId}`,
    });
    this.o.log.warn({ org: lease.orgId, endpoint: lease.endpointId }, 'Disabled webhook endpoint');
  }
}
