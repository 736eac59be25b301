import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { admissible, admits, type QueuedRun, queueOrder } from './admission.ts';

/** A WorkflowRun as the queue knows it. */
export interface SlotRun {
  uid: string;
  namespace: string;
  name: string;
  createdAt: string;
}

interface Row {
  run_uid: string;
  namespace: string;
  run_name: string;
  created_at: Date;
  admitted: boolean;
}

const queued = (row: Row): QueuedRun & { namespace: string } => ({
  uid: row.run_uid,
  name: row.run_name,
  namespace: row.namespace,
  createdAt: row.created_at.toISOString(),
  admitted: row.admitted,
});

/** The uids of queue rows whose run is gone (deleted, or ended without releasing): dropped. */
export type GoneRuns = (
  rows: ReadonlyArray<QueuedRun & { namespace: string }>,
) => Promise<ReadonlySet<string>>;

export interface Admission {
  admitted: boolean;
  /**
   * Other runs that may now be admitted because this call dropped gone rows ahead of them (the
   * first in line, when a later run found the holder gone): the caller wakes them, or nobody would.
   */
  next: Array<{ namespace: string; name: string }>;
}

/**
 * Each organization's concurrent-workflow slots, in the platform database (workflow_slots). Every
 * change happens under the organization's transaction lock, so admissions by any number of
 * workers and replicas serialize, and each reads the queue as the last one left it: the slots held
 * never exceed the limit. The operator alone writes it.
 */
export class WorkflowSlots {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /**
   * Queues `run` (once) and admits it when `admits` allows under `limit`. When it must wait, the
   * rows ahead of it and the holders are offered to `gone`, and those it names are dropped before
   * the queue is read again: a run deleted while the operator was down never holds a slot forever.
   */
  take(orgId: string, run: SlotRun, limit: number | null, gone: GoneRuns): Promise<Admission> {
    return this.locked(orgId, async (trx) => {
      await trx.raw(
        `INSERT INTO workflow_slots (org_id, run_uid, namespace, run_name, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, run_uid) DO NOTHING`,
        [orgId, run.uid, run.namespace, run.name, run.createdAt],
      );
      let queue = await this.queue(trx, orgId);
      let dropping = false;
      if (!admits(queue, run.uid, limit)) {
        const me = queue.find((row) => row.uid === run.uid);
        const blocking = queue.filter(
          (row) => row.uid !== run.uid && (row.admitted || (me !== undefined && queueOrder(row, me) < 0)),
        );
        const dropped = [...(await gone(blocking))];
        if (dropped.length > 0) {
          await trx('workflow_slots').where({ org_id: orgId }).whereIn('run_uid', dropped).delete();
          queue = await this.queue(trx, orgId);
          dropping = true;
        }
      }
      const admitted = admits(queue, run.uid, limit);
      if (admitted)
        await trx('workflow_slots').where({ org_id: orgId, run_uid: run.uid }).update({ admitted });
      const next = dropping
        ? admissible(queue, limit)
            .filter((row) => row.uid !== run.uid)
            .map(({ namespace, name }) => ({ namespace, name }))
        : [];
      return { admitted, next };
    });
  }

  /**
   * Frees the slot (or the place in the queue) of the run `uid`, or of every run of that name when
   * it is gone and only its name is known. Returns the runs that may now be admitted, to wake.
   */
  release(
    orgId: string,
    run: { uid: string } | { namespace: string; name: string },
    limit: number | null,
  ): Promise<Array<{ namespace: string; name: string }>> {
    return this.locked(orgId, async (trx) => {
      const rows = trx('workflow_slots').where({ org_id: orgId });
      if ('uid' in run) await rows.andWhere({ run_uid: run.uid }).delete();
      else await rows.andWhere({ namespace: run.namespace, run_name: run.name }).delete();
      // Even when nothing was deleted (a waiter found this run gone and dropped its row, and may
      // not have been first in line): whoever may now be admitted is woken.
      return admissible(await this.queue(trx, orgId), limit).map(({ namespace, name }) => ({
        namespace,
        name,
      }));
    });
  }

  private locked<T>(orgId: string, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return withTenant(this.db, { orgId }, async (trx) => {
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))', [
        'guardian.workflow-slots',
        orgId,
      ]);
      return work(trx);
    });
  }

  private async queue(trx: Knex.Transaction, orgId: string) {
    const rows = (await trx('workflow_slots')
      .where({ org_id: orgId })
      .select('run_uid', 'namespace', 'run_name', 'created_at', 'admitted')) as Row[];
    return rows.map(queued);
  }
}

/** Workflow runs holding one of the organization's concurrency slots now (Running or AwaitingApproval). */
export async function slotsHeld(trx: Knex.Transaction, orgId: string): Promise<number> {
  const row = (await trx('workflow_slots')
    .where({ org_id: orgId, admitted: true })
    .count({ n: '*' })
    .first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}
