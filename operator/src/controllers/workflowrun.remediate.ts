import { ApiError, type KubeClient } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { Finding } from '@guardian/platform/agents';
import {
  applyConfiguration,
  changedSince,
  type FieldChange,
  fieldPath,
  plannedChanges,
  podTemplateKind,
  REASONS,
  type RemediationRecord,
  remediates,
  remediationFieldManager,
  type Step,
  unpatchableReason,
  type Workload,
} from '@guardian/platform/workflows';
import { failpoint } from '../runtime/failpoint.ts';
import { requesterOf } from './workflowrun.run.ts';
import type { RunContext, StepContext, StepDeps, StepExecutor, StepOutcome } from './workflowrun.steps.ts';

type RemediateStep = Extract<Step, { type: 'remediate' }>;
type Outcome = Pick<RemediationRecord, 'kind' | 'namespace' | 'name' | 'status' | 'reason' | 'changes'>;

/** At most this many objects are listed in the run's status (the tenant database keeps them all). */
const LISTED = 50;

/** The findings of the run's earlier agents steps that this step's remediations act on, by object. */
async function findingsByObject(run: RunContext, step: StepContext<RemediateStep>, deps: StepDeps) {
  const runIds = (run.run.status?.steps ?? []).flatMap((s) =>
    s.type === 'agents' && s.result?.agentRun?.id ? [s.result.agentRun.id] : [],
  );
  const byObject = new Map<string, Finding[]>();
  for (const id of runIds) {
    const agentRun = await deps.agentRuns.get(run.orgId, id);
    for (const finding of agentRun?.findings ?? []) {
      if (!remediates(finding.check, step.definition.remediations)) continue;
      if (finding.resource.namespace !== run.namespace) continue;
      const key = `${finding.resource.kind}/${finding.resource.name}`;
      byObject.set(key, [...(byObject.get(key) ?? []), finding]);
    }
  }
  return byObject;
}

/** Finishes (or leaves as done) what the step does to one object; what it came to. */
async function remediateObject(
  run: RunContext,
  step: StepContext<RemediateStep>,
  deps: StepDeps,
  target: { kind: string; name: string; findings: Finding[] },
  known: RemediationRecord | undefined,
  context: { remediator: KubeClient; limitRanges: unknown[] },
): Promise<Outcome> {
  const base = {
    stepKey: step.status.idempotencyKey,
    workflowId: run.run.metadata?.name ?? '',
    step: step.definition.name,
    kind: target.kind,
    namespace: run.namespace,
    name: target.name,
    fieldManager: remediationFieldManager(step.status.idempotencyKey),
  };
  const done = (status: Outcome['status'], reason: string | null, changes: FieldChange[] = []) => ({
    ...base,
    status,
    reason,
    changes,
  });
  // Recorded as final by an earlier attempt: nothing more to do.
  if (known && known.status !== 'intended') return known;
  const skip = async (reason: string, uid: string | null = null) => {
    const record = done('skipped', reason);
    await deps.remediations.record(run.orgId, { ...record, objectUid: uid });
    return record;
  };
  const unpatchable = unpatchableReason(target.kind);
  if (unpatchable) return skip(unpatchable);
  const kind = podTemplateKind(target.kind);
  if (!kind) return skip(`${target.kind} has no pod template`);
  const object = await context.remediator.find<Workload & KubeObject>(kind, target.name, run.namespace);
  if (!object) return skip('the object no longer exists');
  const uid = object.metadata?.uid ?? null;
  // An intent of an earlier attempt whose apply went through (the crash came before the record).
  if (known && changedSince(object, known.changes).length === 0) {
    await deps.remediations.applied(run.orgId, known);
    return { ...known, status: 'applied' };
  }
  const changes = plannedChanges(object, target.findings, step.definition.remediations, {
    limitRanges: context.limitRanges,
    resources: {
      cpuRequest: run.parameters.cpuRequest ?? '100m',
      memoryRequest: run.parameters.memoryRequest ?? '128Mi',
      cpuLimit: run.parameters.cpuLimit ?? '500m',
      memoryLimit: run.parameters.memoryLimit ?? '256Mi',
    },
  });
  if (changes.length === 0) {
    const record = done('unchanged', 'already as the findings ask');
    await deps.remediations.record(run.orgId, { ...record, objectUid: uid });
    return record;
  }
  // Intent, act, record: a crash between them is finished by the next attempt above.
  await deps.remediations.record(run.orgId, { ...done('intended', null, changes), objectUid: uid });
  await context.remediator.apply(kind, applyConfiguration(object, changes, 'after') as KubeObject, {
    fieldManager: base.fieldManager,
    force: true,
  });
  failpoint('workflow-remediate-after-apply', base.workflowId);
  await deps.remediations.applied(run.orgId, base);
  return done('applied', null, changes);
}

/**
 * Turns the findings of the run's earlier agents steps into patches of the workloads they name
 * (`remediations`: requests and limits where missing, securityContext hardening), each a server-side
 * apply as the organization's remediator under the step's own field manager, on the top-level
 * owner's pod template. Per object: intent (before and after, in the tenant database) → apply →
 * record; an object already as wanted is unchanged, one that cannot be patched (a bare Pod, a Job)
 * is skipped with the reason. Neither fails the run; an apiserver refusal of a patch does.
 */
export const remediateStep: StepExecutor<RemediateStep> = async (run, step, deps): Promise<StepOutcome> => {
  const known = new Map(
    (await deps.remediations.ofStep(run.orgId, step.status.idempotencyKey)).map((r) => [
      `${r.kind}/${r.name}`,
      r,
    ]),
  );
  if (run.run.spec.cancelRequested && known.size === 0) {
    return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled before it changed anything' };
  }
  const targets = await findingsByObject(run, step, deps);
  const remediator = deps.remediatorOf(run.orgId);
  const limitRanges = (await deps.agentOf(run.orgId).list(core.limitRange, { namespace: run.namespace }))
    .items;
  const outcomes: Outcome[] = [];
  for (const [key, findings] of [...targets].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [kind = '', name = ''] = key.split('/');
    try {
      outcomes.push(
        await remediateObject(run, step, deps, { kind, name, findings }, known.get(key), {
          remediator,
          limitRanges,
        }),
      );
    } catch (error) {
      // The apiserver's refusal (invalid, forbidden, conflict) fails the step; anything else is retried.
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      const why = error.message;
      return {
        phase: 'Failed',
        reason: REASONS.remediationFailed,
        message: `Could not patch ${kind} ${name} as the organization's remediator: ${why}`.slice(0, 1024),
      };
    }
  }
  const applied = outcomes.filter((o) => o.status === 'applied');
  if (applied.length > 0) {
    await deps.audit.append({
      orgId: run.orgId,
      actor: requesterOf(run.run),
      action: 'workflow.remediation.applied',
      target: run.run.metadata?.name ?? '',
      detail: {
        template: run.run.spec.template,
        environment: run.run.spec.environment,
        step: step.definition.name,
        // Object and field paths only: values are never audited.
        objects: applied.map((o) => ({
          kind: o.kind,
          namespace: o.namespace,
          name: o.name,
          fields: o.changes.map((change) => fieldPath(o.kind, change)),
        })),
      },
      key: `workflow/${run.run.metadata?.uid}/remediation/${step.definition.name}`,
    });
  }
  const count = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
  return {
    phase: 'Succeeded',
    message: `${count('applied')} objects patched, ${count('unchanged')} already as asked, ${count('skipped')} skipped`,
    result: {
      remediation: {
        applied: count('applied'),
        unchanged: count('unchanged'),
        skipped: count('skipped'),
        objects: outcomes.slice(0, LISTED).map((o) => ({
          kind: o.kind,
          name: o.name,
          outcome: o.status as 'applied' | 'unchanged' | 'skipped',
          ...(o.status === 'applied' ? { fields: o.changes.length } : {}),
          ...(o.reason && o.status === 'skipped' ? { reason: o.reason.slice(0, 256) } : {}),
        })),
      },
    },
  };
};
