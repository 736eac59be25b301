import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The operator's Prometheus metrics, one registry per process (served at /metrics). */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: 'guardian_reconcile_total',
    help: 'Reconciles by controller and result (success, error, requeue, terminal)',
    labelNames: ['controller', 'result'],
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'guardian_reconcile_errors_total',
    help: 'Reconciles that threw, by controller',
    labelNames: ['controller'],
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'guardian_reconcile_duration_seconds',
    help: 'Time spent in one reconcile, by controller',
    labelNames: ['controller'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly stepDuration = new Histogram({
    name: 'guardian_reconcile_step_duration_seconds',
    help: 'Time spent in one step of a reconcile (database, namespaces, rbac, ...), by controller and step',
    labelNames: ['controller', 'step'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'guardian_workqueue_depth',
    help: 'Keys waiting in the work queue, by controller',
    labelNames: ['controller'],
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: 'guardian_workqueue_wait_seconds',
    help: 'Time a key waited in the work queue before a worker took it, by controller',
    labelNames: ['controller'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'guardian_leader',
    help: '1 while this replica holds the leader Lease',
    registers: [this.registry],
  });

  /** Runs one step of a reconcile, timing it into `stepDuration`. */
  timeStep<T>(controller: string, step: string, work: () => Promise<T>): Promise<T> {
    const end = this.stepDuration.startTimer({ controller, step });
    return work().finally(() => end());
  }

  constructor() {
    // Process and Node.js runtime figures: memory, event-loop lag, GC.
    collectDefaultMetrics({ register: this.registry });
  }
}
