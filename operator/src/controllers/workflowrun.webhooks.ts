import type { WebhookEvent } from '@guardian/platform/webhooks';
import { isFinal } from '@guardian/platform/workflows';
import { currentStep, type Run } from './workflowrun.run.ts';

/**
 * The webhook event a run's recorded phase calls for, or none: `workflow.awaiting_approval` per
 * gate it waits at (keyed `<uid>:AwaitingApproval:<step>`, a run may pass several gates) and
 * `workflow.finished` once it ended (keyed `<uid>:<phase>`). Pure: the same run gives the same
 * event, so observing it again emits nothing new.
 */
export function phaseEvent(run: Run): WebhookEvent | undefined {
  const status = run.status ?? {};
  const phase = status.phase;
  const uid = run.metadata?.uid;
  if (!uid || !phase) return undefined;
  const base = {
    workflow_id: run.metadata?.name ?? '',
    template: run.spec.template,
    environment: run.spec.environment,
    team: run.spec.team ?? null,
    requested_by: run.spec.requestedBy,
    phase,
  };
  if (phase === 'AwaitingApproval') {
    const gate = currentStep(status);
    if (!gate) return undefined;
    return {
      type: 'workflow.awaiting_approval',
      key: `workflow:${uid}:AwaitingApproval:${gate.name}`,
      data: {
        ...base,
        step: gate.name,
        risk: gate.risk ?? null,
        expires_at: gate.approval?.expiresAt ?? null,
      },
    };
  }
  if (!isFinal(phase)) return undefined;
  const ready = status.conditions?.find((condition) => condition.type === 'Ready');
  return {
    type: 'workflow.finished',
    key: `workflow:${uid}:${phase}`,
    data: { ...base, reason: ready?.reason ?? null, finished_at: status.finishedAt ?? null },
  };
}
