import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * The queue for each organization's concurrent-workflow slots: one row per WorkflowRun that was
 * accepted (its workflow unit counted), `admitted` once it holds a slot, deleted when it ends or is
 * deleted. Admission reads and changes it under a per-organization transaction lock, so no number
 * of operator workers or replicas ever admits more than the plan's concurrentWorkflows, first come
 * first served by the run's creationTimestamp, then name.
 */
export const workflowSlots: Migration = {
  name: '0106_workflow_slots',
  async up(db) {
    await db.raw(`
      CREATE TABLE workflow_slots (
        org_id text NOT NULL,
        run_uid text NOT NULL,
        namespace text NOT NULL,
        run_name text NOT NULL,
        created_at timestamptz NOT NULL,
        admitted boolean NOT NULL DEFAULT false,
        PRIMARY KEY (org_id, run_uid)
      )`);
    await db.raw('CREATE INDEX workflow_slots_queue ON workflow_slots (org_id, created_at, run_name)');
    await rowsOfOrganization(db, 'workflow_slots');
  },
  async down(db) {
    await db.raw('DROP TABLE IF EXISTS workflow_slots');
  },
};
