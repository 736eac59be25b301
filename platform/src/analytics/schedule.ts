import { hostname } from 'node:os';
import type { Clock } from '@guardian/kube/clock';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { logError } from '../http/log-error.ts';

export interface ScheduledJobOptions {
  db: Knex;
  /** The job's name: the key its ticks are claimed under. */
  job: string;
  intervalMs: number;
  clock: Clock;
  log: Logger;
  /** Who claims ticks (default: host and process id), as written to scheduled_job_ticks. */
  holder?: string;
  run(now: Date): Promise<void>;
}

/**
 * A job that runs once per interval across every replica: each replica wakes at the interval's
 * boundaries (the same wall-clock ticks everywhere) and claims the tick by inserting (job, tick)
 * into scheduled_job_ticks; the one insert that succeeds runs the job, the others skip it. A
 * replica that dies while running leaves the tick unfinished; the job's own progress (its cursors)
 * is what the next tick resumes from, on whichever replica claims it.
 */
export class ScheduledJob {
  private readonly o: ScheduledJobOptions;
  private readonly holder: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(options: ScheduledJobOptions) {
    this.o = options;
    this.holder = options.holder ?? `${hostname()}:${process.pid}`;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Claims the tick `at` falls in and runs the job if this replica won it; whether it did. */
  async tick(at: Date): Promise<boolean> {
    const { intervalMs } = this.o;
    const tick = new Date(Math.floor(at.getTime() / intervalMs) * intervalMs);
    const claimed = await this.o.db.raw<{ rows: unknown[] }>(
      `INSERT INTO scheduled_job_ticks (job, tick, holder) VALUES (?, ?, ?)
       ON CONFLICT (job, tick) DO NOTHING RETURNING job`,
      [this.o.job, tick, this.holder],
    );
    if (claimed.rows.length === 0) return false;
    await this.o.run(at);
    await this.o.db.raw('UPDATE scheduled_job_ticks SET finished_at = now() WHERE job = ? AND tick = ?', [
      this.o.job,
      tick,
    ]);
    // Ticks older than a day say nothing a test or an operator still needs.
    await this.o.db.raw("DELETE FROM scheduled_job_ticks WHERE job = ? AND tick < now() - interval '1 day'", [
      this.o.job,
    ]);
    return true;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.o.clock.now();
    const wait = this.o.intervalMs - (now % this.o.intervalMs);
    this.timer = setTimeout(() => {
      this.running = this.tick(new Date(this.o.clock.now()))
        .then(() => undefined)
        .catch((error: unknown) =>
          this.o.log.error({ error: logError(error), job: this.o.job }, 'Scheduled job failed'),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, wait);
    this.timer.unref();
  }
}
