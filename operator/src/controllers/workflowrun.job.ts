import { createHash } from 'node:crypto';
import type { WorkflowRunStatusStepResultJob } from '@guardian/crds/generated';
import { isConflict, type KubeClient } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import { DEFAULT_STEP_TIMEOUT, parseDuration, REASONS, type Step } from '@guardian/platform/workflows';
import type { RunContext, StepExecutor, StepOutcome } from './workflowrun.steps.ts';
import { fillIn } from './workflowrun.text.ts';

type JobDefinition = Extract<Step, { type: 'job' }>;

/** How often a step waiting on the cluster looks again. */
export const WAIT_INTERVAL_MS = 2_000;
/** The field manager of what workflow steps write to workloads. */
export const WORKFLOW_FIELD_MANAGER = 'guardian-workflows';
export const LABEL_RUN = 'guardian.aiops.dev/workflow-run';
export const LABEL_STEP = 'guardian.aiops.dev/workflow-step';

interface Job extends KubeObject {
  status?: {
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

interface Pod extends KubeObject {
  status?: { containerStatuses?: Array<{ state?: { terminated?: { exitCode?: number } } }> };
}

/** A Job's name from its step's key: `<step>-<10 hex of the key's hash>`, the same on every attempt. */
export function jobName(step: string, idempotencyKey: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 10);
  return `${step.slice(0, 40).replace(/-+$/, '')}-${hash}`;
}

/** The Job a job step runs: the template's container, filled in with the run's parameters. */
export function jobFor(run: RunContext, definition: JobDefinition, name: string): Job {
  const fill = (text: string) => fillIn(text, run);
  const labels = { [LABEL_RUN]: run.run.metadata?.name ?? '', [LABEL_STEP]: definition.name };
  const timeoutMs = parseDuration(definition.timeout ?? DEFAULT_STEP_TIMEOUT) ?? 600_000;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: run.namespace, labels },
    spec: {
      backoffLimit: definition.backoffLimit ?? 0,
      activeDeadlineSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
      template: {
        metadata: {
          labels,
          ...(definition.annotations
            ? {
                annotations: Object.fromEntries(
                  Object.entries(definition.annotations).map(([k, v]) => [k, fill(v)]),
                ),
              }
            : {}),
        },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'step',
              image: fill(definition.image),
              ...(definition.command ? { command: definition.command.map(fill) } : {}),
              ...(definition.args ? { args: definition.args.map(fill) } : {}),
              ...(definition.env
                ? {
                    env: Object.entries(definition.env).map(([key, value]) => ({
                      name: key,
                      value: fill(value),
                    })),
                  }
                : {}),
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  } as Job;
}

const conditionOf = (job: Job, type: string) =>
  job.status?.conditions?.find((condition) => condition.type === type && condition.status === 'True');

/** The exit code of a failed container of the Job's pods, if one ended with one. */
async function exitCodeOf(client: KubeClient, namespace: string, name: string): Promise<number | undefined> {
  const { items } = await client.list<Pod>(core.pod, {
    namespace,
    labelSelector: `batch.kubernetes.io/job-name=${name}`,
  });
  const codes = items.flatMap((pod) =>
    (pod.status?.containerStatuses ?? []).map((container) => container.state?.terminated?.exitCode),
  );
  return codes.find((code) => code !== undefined && code !== 0);
}

/**
 * Runs a Kubernetes Job in the run's environment as the organization's remediator and waits for
 * it. The Job is named after the step's key: a repeated step finds the Job it created, never
 * creates a second; one deleted after it was recorded fails the step (JobDeleted) rather than
 * running it again. Its timeout is the Job's activeDeadlineSeconds; a cancelled run deletes it.
 */
export const jobStep: StepExecutor<JobDefinition> = async (run, step, deps) => {
  const client = deps.remediatorOf(run.orgId);
  const name = jobName(step.definition.name, step.status.idempotencyKey);
  const recorded = step.status.result?.job;
  const job = await client.find<Job>(core.job, name, run.namespace);
  const outcome = (
    phase: StepOutcome['phase'],
    result: WorkflowRunStatusStepResultJob,
    more: Partial<StepOutcome>,
  ) => ({
    phase,
    result: { job: result },
    ...more,
  });
  if (!job) {
    if (recorded) {
      return outcome(
        'Failed',
        { name, phase: 'Failed' },
        {
          reason: 'JobDeleted',
          message: `Job ${name} was deleted before it finished; it is not run again`,
        },
      );
    }
    if (run.run.spec.cancelRequested) {
      return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled before its Job started' };
    }
    try {
      await client.create(core.job, jobFor(run, step.definition, name));
    } catch (error) {
      // Created by an attempt that crashed before recording it: it is the same Job.
      if (!isConflict(error))
        throw new Error(`Could not create Job ${name} in ${run.namespace}`, { cause: error });
    }
    return outcome(
      'Running',
      { name, phase: 'Running' },
      {
        message: `Job ${name} started in ${run.namespace}`,
        requeueAfterMs: WAIT_INTERVAL_MS,
      },
    );
  }
  if (conditionOf(job, 'Complete') || conditionOf(job, 'SuccessCriteriaMet')) {
    return outcome('Succeeded', { name, phase: 'Succeeded' }, { message: `Job ${name} completed` });
  }
  const failed = conditionOf(job, 'Failed') ?? conditionOf(job, 'FailureTarget');
  if (failed) {
    const exitCode = await exitCodeOf(client, run.namespace, name);
    const code = exitCode === undefined ? '' : ` (exit code ${exitCode})`;
    return outcome(
      'Failed',
      { name, phase: 'Failed', ...(exitCode === undefined ? {} : { exitCode }) },
      {
        reason: 'JobFailed',
        message: `Job ${name} failed: ${failed.reason ?? 'Failed'}${code}${failed.message ? `: ${failed.message}` : ''}`,
      },
    );
  }
  if (run.run.spec.cancelRequested) {
    await client.delete(core.job, name, run.namespace, 'Background');
    return outcome(
      'Cancelled',
      { name, phase: 'Failed' },
      {
        reason: REASONS.cancelled,
        message: `Cancelled; Job ${name} deleted`,
      },
    );
  }
  return outcome(
    'Running',
    { name, phase: 'Running' },
    {
      message: `Job ${name} runs in ${run.namespace}`,
      requeueAfterMs: WAIT_INTERVAL_MS,
    },
  );
};
