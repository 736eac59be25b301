import { createServer, type Server } from 'node:http';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import { Informer, type InformerOptions } from '@guardian/kube/informer';
import { pollUntil } from '@guardian/kube/poll';
import { type KubeObject, keyOf, type Resource } from '@guardian/kube/resources';
import type { Logger } from 'pino';
import { Controller, type Reconciler } from './controller.ts';
import { kubeLeaseStore, type LeaderElectionOptions, LeaderElector } from './leader.ts';
import type { OperatorMetrics } from './metrics.ts';

/** What a registration needs of an informer, whatever kind it caches. */
export interface Source {
  readonly resource: Resource;
  onChange(handler: (object: KubeObject) => void): void;
  list(): KubeObject[];
}

export interface Watch {
  informer: Source;
  map: (object: KubeObject) => string[];
}

/** A watch on another kind: `map` names the primaries a change of `informer`'s objects concerns. */
export function watch<T extends KubeObject>(informer: Informer<T>, map: (object: T) => string[]): Watch {
  return { informer, map: (object) => map(object as T) };
}

export interface Registration {
  reconciler: Reconciler;
  /** The kind the reconciler owns: each change enqueues the object's key. */
  primary: Source;
  /** Children: a change enqueues the owner named by the child's controller ownerReference. */
  owns?: Source[];
  /** Other kinds whose changes concern some primaries (e.g. a plan and its organizations). */
  watches?: Watch[];
  concurrency?: number;
}

export interface ManagerOptions {
  client: KubeClient;
  log: Logger;
  metrics: OperatorMetrics;
  /** Where /healthz, /readyz and /metrics are served. */
  probes: { host: string; port: number };
  leaderElection?: LeaderElectionOptions;
  /** Default resync period of the informers. */
  resyncMs?: number;
  /** The work queues' time (requeueAfter, backoff): the reconcilers' clock, so a test's clock drives both. */
  clock?: Clock;
}

/**
 * Runs informers (on every replica, so a standby's cache is warm), and the controllers only
 * while this replica leads. Serves /healthz (fails when an informer is stale), /readyz (once
 * every informer has synced) and /metrics.
 */
export class Manager {
  private readonly options: ManagerOptions;
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly controllers: Array<{ controller: Controller; registration: Registration }> = [];
  private readonly elector: LeaderElector | undefined;
  private server: Server | undefined;

  constructor(options: ManagerOptions) {
    this.options = options;
    const election = options.leaderElection;
    this.elector =
      election &&
      new LeaderElector(
        kubeLeaseStore(options.client, election.namespace, election.name),
        options.log,
        election,
      );
  }

  get metrics(): OperatorMetrics {
    return this.options.metrics;
  }

  get log(): Logger {
    return this.options.log;
  }

  /** One shared informer per resource and label selector. */
  informer<T extends KubeObject>(resource: Resource, options: InformerOptions = {}): Informer<T> {
    const id = `${resource.apiVersion}/${resource.plural}?${options.labelSelector ?? ''}`;
    let informer = this.informers.get(id);
    if (!informer) {
      informer = new Informer<KubeObject>(this.options.client, resource, this.options.log, {
        resyncMs: this.options.resyncMs,
        ...options,
      });
      this.informers.set(id, informer);
    }
    return informer as unknown as Informer<T>;
  }

  register(registration: Registration): Controller {
    const controller = new Controller(
      registration.reconciler,
      this.options.log,
      this.options.metrics,
      this.options.clock,
    );
    const { primary } = registration;
    primary.onChange((object) => controller.enqueue(keyOf(object)));
    for (const child of registration.owns ?? []) {
      child.onChange((object) => {
        const owner = object.metadata?.ownerReferences?.find(
          (ref) => ref.controller && ref.kind === primary.resource.kind,
        );
        if (owner)
          controller.enqueue(
            primary.resource.namespaced ? `${object.metadata?.namespace}/${owner.name}` : owner.name,
          );
      });
    }
    for (const { informer, map } of registration.watches ?? []) {
      informer.onChange((object) => {
        for (const key of map(object)) controller.enqueue(key);
      });
    }
    this.controllers.push({ controller, registration });
    return controller;
  }

  get synced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced);
  }

  get healthy(): boolean {
    return [...this.informers.values()].every((i) => !i.isStale());
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : true;
  }

  async start(): Promise<void> {
    const { log } = this.options;
    await this.serveProbes();
    for (const informer of this.informers.values()) informer.start();
    await pollUntil('the caches to sync', () => this.synced, {
      timeoutMs: Number.POSITIVE_INFINITY,
      intervalMs: 50,
    });
    log.info({ informers: this.informers.size }, 'Caches synced');
    if (this.elector) {
      log.info('Waiting to become leader');
      await this.elector.acquire(() => {
        this.options.metrics.leader.set(0);
        // A replica that lost its Lease may race the new leader; stopping is the only safe move.
        log.error('Leadership lost; exiting');
        process.exit(1);
      });
    }
    this.options.metrics.leader.set(1);
    for (const { controller, registration } of this.controllers) {
      controller.start(registration.concurrency ?? 2);
      for (const object of registration.primary.list()) controller.enqueue(keyOf(object));
    }
    log.info({ controllers: this.controllers.map((c) => c.controller.name) }, 'Controllers started');
  }

  /** Graceful shutdown: finish reconciles in flight, release the Lease, stop watching. */
  async stop(): Promise<void> {
    await Promise.all(this.controllers.map(({ controller }) => controller.stop()));
    await this.elector?.release();
    this.options.metrics.leader.set(0);
    for (const informer of this.informers.values()) informer.stop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private serveProbes(): Promise<void> {
    const { metrics, probes } = this.options;
    this.server = createServer((request, response) => {
      const reply = (status: number, body: string, type = 'text/plain') => {
        // One request per connection: a client reusing an idle connection the server is closing
        // (its keep-alive timeout) sees "other side closed"; probes gain nothing from keep-alive.
        response.writeHead(status, { 'content-type': type, connection: 'close' });
        response.end(body);
      };
      if (request.url === '/healthz') reply(this.healthy ? 200 : 503, this.healthy ? 'ok' : 'informer stale');
      else if (request.url === '/readyz')
        reply(this.synced ? 200 : 503, this.synced ? 'ok' : 'caches not synced');
      else if (request.url === '/metrics') {
        metrics.registry.metrics().then(
          (text) => reply(200, text, metrics.registry.contentType),
          () => reply(500, 'metrics unavailable'),
        );
      } else reply(404, 'not found');
    });
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(probes.port, probes.host, () => resolve());
    });
  }
}
