import type { WorkflowRun } from '@guardian/crds/generated';
import type { KubeClient } from '@guardian/kube/client';
import type { KubeObject } from '@guardian/kube/resources';
import type { AuditLog } from '../audit/AuditLog.ts';
import type { WorkflowReverted } from '../contract/workflows.ts';
import type { RemediationRecord, RemediationStore } from '../stores/RemediationStore.ts';
import {
  applyConfiguration,
  changedSince,
  currentValue,
  fieldPath,
  isFinal,
  podTemplateKind,
  remediatorUser,
  type Workload,
} from '../workflows/index.ts';
import { ConflictError } from './errors.ts';

export interface RevertDeps {
  kube: KubeClient;
  remediations: RemediationStore;
  audit: Pick<AuditLog, 'append'>;
}

type Reverted = WorkflowReverted['objects'][number];

/** Restores one object's remediated fields as the remediator, unless someone else changed them since. */
async function revertObject(remediator: KubeClient, record: RemediationRecord): Promise<Reverted> {
  const fields = record.changes.map((change) => fieldPath(record.kind, change));
  const base = { kind: record.kind, namespace: record.namespace, name: record.name, fields };
  const refused = (reason: string): Reverted => ({ ...base, outcome: 'refused', reason });
  const kind = podTemplateKind(record.kind);
  if (!kind) return refused(`${record.kind} has no pod template`);
  const object = await remediator.find<Workload & KubeObject>(kind, record.name, record.namespace);
  if (!object) return refused('the object no longer exists');
  if (record.objectUid && object.metadata?.uid !== record.objectUid)
    return refused('the object was deleted and created again since the remediation');
  // Fields already as they were before: a revert that applied and then crashed before its record
  // (applying again changes nothing); else any field not as the remediation left it is refused.
  const asBefore = record.changes.every((change) => currentValue(object, change) === change.before);
  const changed = asBefore ? [] : changedSince(object, record.changes);
  if (changed.length > 0) return refused(`changed since: ${changed.join('; ')}`.slice(0, 1024));
  // Under the step's own field manager: the fields it set go, and those it overwrote get their
  // earlier values back.
  await remediator.apply(kind, applyConfiguration(object, record.changes, 'before') as KubeObject, {
    fieldManager: record.fieldManager,
    force: true,
  });
  return { ...base, outcome: 'reverted', reason: null };
}

/**
 * POST /workflows/{id}/revert: restores the fields the run's remediate steps set, object by object
 * (DESIGN.md, "Workflows and approvals"), as the organization's remediator. Only a run that has
 * ended and changed something not yet reverted; an object whose remediated fields someone else
 * changed since is left alone and reported with the reason.
 */
export async function revertRun(
  deps: RevertDeps,
  orgId: string,
  run: WorkflowRun & KubeObject,
  actor: string,
  /** The verdict that let the actor revert (the rule of the run's gates). */
  decision: { reason: string; message: string },
): Promise<WorkflowReverted> {
  const id = run.metadata?.name ?? '';
  const phase = run.status?.phase ?? 'Pending';
  if (!isFinal(phase))
    throw new ConflictError(`The run is still in progress (${phase}): revert it once it has ended`);
  const records = await deps.remediations.ofRun(orgId, { name: id, uid: run.metadata?.uid ?? '' });
  const applied = records.filter((record) => record.status === 'applied');
  if (applied.length === 0) {
    throw new ConflictError(
      records.some((record) => record.status === 'reverted')
        ? 'The run’s remediations are reverted already'
        : 'The run changed no object: nothing to revert',
    );
  }
  const remediator = deps.kube.impersonating(remediatorUser(orgId));
  const objects: Reverted[] = [];
  for (const record of applied) {
    const outcome = await revertObject(remediator, record);
    if (outcome.outcome === 'reverted') await deps.remediations.reverted(orgId, record);
    objects.push(outcome);
  }
  await deps.audit.append({
    orgId,
    actor,
    action: 'workflow.reverted',
    target: id,
    detail: {
      template: run.spec.template,
      environment: run.spec.environment,
      decision,
      // Object and field paths only: values are never audited.
      objects: objects.map(({ kind, namespace, name, outcome, fields, reason }) => ({
        kind,
        namespace,
        name,
        outcome,
        fields,
        ...(reason ? { reason } : {}),
      })),
    },
  });
  return { workflow_id: id, objects };
}
