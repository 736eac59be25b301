import { createHash } from 'node:crypto';
import { isConflict } from '@guardian/kube/client';
import { core } from '@guardian/kube/resources';
import { REASONS, type Step } from '@guardian/platform/workflows';
import type { RunContext, StepExecutor } from './workflowrun.steps.ts';

export const NOTIFICATION_REASON = 'WorkflowNotification';

/** A notify step's message with the run's facts filled in: {template}, {environment}, {requestedBy}, {run}. */
export function notificationText(message: string, run: RunContext): string {
  const facts: Record<string, string> = {
    template: run.run.spec.template,
    environment: run.run.spec.environment,
    requestedBy: run.run.spec.requestedBy,
    run: run.run.metadata?.name ?? '',
  };
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => facts[name] ?? whole).slice(0, 1024);
}

/**
 * Records an event: in the run's status (the step's result) and as a Kubernetes Event about the
 * run (`kubectl describe wfr`). The Event's name derives from the step's key, so a repeated step
 * finds it (409) instead of recording a second.
 */
export const notifyStep: StepExecutor<Extract<Step, { type: 'notify' }>> = async (run, step, deps) => {
  if (run.run.spec.cancelRequested) {
    return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled before it notified' };
  }
  const note = notificationText(step.definition.message, run);
  const { name, namespace, uid } = run.run.metadata ?? {};
  const suffix = createHash('sha256').update(step.status.idempotencyKey).digest('hex').slice(0, 16);
  const event = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${name}.${suffix}`, namespace },
    eventTime: new Date(run.now).toISOString().replace(/Z$/, '000Z'),
    reportingController: 'guardian.aiops.dev/operator',
    reportingInstance: 'workflows',
    action: 'Notify',
    reason: NOTIFICATION_REASON,
    type: 'Normal',
    note,
    regarding: { apiVersion: run.run.apiVersion, kind: run.run.kind, name, namespace, uid },
  };
  try {
    await deps.client.create(core.event, event);
  } catch (error) {
    if (!isConflict(error)) throw new Error(`Could not record the notification of ${name}`, { cause: error });
  }
  return {
    phase: 'Succeeded',
    message: note,
    result: { notification: { reason: NOTIFICATION_REASON, message: note } },
  };
};
