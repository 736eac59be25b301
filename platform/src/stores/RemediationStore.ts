import type { TenantDatabases } from '../tenant-db/databases.ts';
import type { FieldChange } from '../workflows/remediation.ts';

export type RemediationStatus = 'intended' | 'applied' | 'unchanged' | 'skipped' | 'reverted';

/** One object a remediate step looked at: what it changed (or why not), before and after. */
export interface RemediationRecord {
  stepKey: string;
  workflowId: string;
  step: string;
  kind: string;
  namespace: string;
  name: string;
  objectUid: string | null;
  fieldManager: string;
  status: RemediationStatus;
  reason: string | null;
  changes: FieldChange[];
  appliedAt: Date | null;
  revertedAt: Date | null;
}

interface Row {
  step_key: string;
  workflow_id: string;
  step: string;
  kind: string;
  namespace: string;
  name: string;
  object_uid: string | null;
  field_manager: string;
  status: RemediationStatus;
  reason: string | null;
  changes: FieldChange[];
  applied_at: Date | null;
  reverted_at: Date | null;
}

const toRecord = (row: Row): RemediationRecord => ({
  stepKey: row.step_key,
  workflowId: row.workflow_id,
  step: row.step,
  kind: row.kind,
  namespace: row.namespace,
  name: row.name,
  objectUid: row.object_uid,
  fieldManager: row.field_manager,
  status: row.status,
  reason: row.reason,
  changes: row.changes,
  appliedAt: row.applied_at,
  revertedAt: row.reverted_at,
});

type ObjectKey = Pick<RemediationRecord, 'stepKey' | 'kind' | 'namespace' | 'name'>;
const keyOf = (key: ObjectKey) => ({
  step_key: key.stepKey,
  kind: key.kind,
  namespace: key.namespace,
  name: key.name,
});

/**
 * Remediations in each organization's tenant database (DESIGN.md: its workflow history): the
 * operator records an intent before it applies, the result after; a revert reads them back.
 */
export class RemediationStore {
  private readonly databases: TenantDatabases;

  constructor(databases: TenantDatabases) {
    this.databases = databases;
  }

  /** The step's records, by object. */
  async ofStep(orgId: string, stepKey: string): Promise<RemediationRecord[]> {
    const db = await this.databases.connect(orgId);
    const rows = (await db('workflow_remediations')
      .where({ step_key: stepKey })
      .orderBy(['kind', 'namespace', 'name'])) as Row[];
    return rows.map(toRecord);
  }

  /**
   * Every record of a run, in step and object order. By its uid as well as its name: a name can be
   * used again once its run is deleted, and the earlier run's records are not this one's.
   */
  async ofRun(orgId: string, run: { name: string; uid: string }): Promise<RemediationRecord[]> {
    const db = await this.databases.connect(orgId);
    const rows = (await db('workflow_remediations')
      .where({ workflow_id: run.name })
      .whereRaw("split_part(step_key, '/', 1) = ?", [run.uid])
      .orderBy(['created_at', 'kind', 'namespace', 'name'])) as Row[];
    return rows.map(toRecord);
  }

  /** Records (or replaces, while it is only an intent) what the step will do to one object. */
  async record(orgId: string, record: Omit<RemediationRecord, 'appliedAt' | 'revertedAt'>): Promise<void> {
    const db = await this.databases.connect(orgId);
    const applied = record.status === 'applied' ? db.fn.now() : null;
    await db.raw(
      `INSERT INTO workflow_remediations AS r (step_key, workflow_id, step, kind, namespace, name,
         object_uid, field_manager, status, reason, changes, applied_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
       ON CONFLICT (step_key, kind, namespace, name) DO UPDATE SET
         object_uid = excluded.object_uid, status = excluded.status, reason = excluded.reason,
         changes = excluded.changes, applied_at = excluded.applied_at
       WHERE r.status = 'intended'`,
      [
        record.stepKey,
        record.workflowId,
        record.step,
        record.kind,
        record.namespace,
        record.name,
        record.objectUid,
        record.fieldManager,
        record.status,
        record.reason,
        JSON.stringify(record.changes),
        applied,
      ],
    );
  }

  /** An intended change is applied. */
  async applied(orgId: string, key: ObjectKey): Promise<void> {
    const db = await this.databases.connect(orgId);
    await db('workflow_remediations')
      .where({ ...keyOf(key), status: 'intended' })
      .update({ status: 'applied', applied_at: db.fn.now() });
  }

  /** An applied change was reverted. */
  async reverted(orgId: string, key: ObjectKey): Promise<void> {
    const db = await this.databases.connect(orgId);
    await db('workflow_remediations')
      .where({ ...keyOf(key), status: 'applied' })
      .update({ status: 'reverted', reverted_at: db.fn.now() });
  }
}
