import type { WorkflowRunStatusStepResultRollout } from '@guardian/crds/generated';
import type { KubeClient } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import {
  DEFAULT_STEP_TIMEOUT,
  parseDuration,
  parseWorkload,
  REASONS,
  type Step,
} from '@guardian/platform/workflows';
import { failpoint } from '../runtime/failpoint.ts';
import { WAIT_INTERVAL_MS, WORKFLOW_FIELD_MANAGER } from './workflowrun.job.ts';
import { timestamp } from './workflowrun.run.ts';
import type { RunContext, StepExecutor, StepOutcome } from './workflowrun.steps.ts';
import { fillIn } from './workflowrun.text.ts';

type RolloutDefinition = Extract<Step, { type: 'rollout' }>;
type RolloutRecord = WorkflowRunStatusStepResultRollout;

export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number;
    template?: {
      metadata?: { annotations?: Record<string, string> };
      spec?: { containers?: Array<{ name: string; image?: string }> };
    };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Where a Deployment's rollout is, as `kubectl rollout status` says it: done once the controller
 * observed the latest spec and every replica is updated and available with no old one left;
 * failed once its Progressing condition says ProgressDeadlineExceeded.
 */
export function rolloutState(deployment: Deployment): {
  state: 'done' | 'waiting' | 'failed';
  message: string;
} {
  const name = deployment.metadata?.name;
  const status = deployment.status ?? {};
  if ((deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0))
    return { state: 'waiting', message: `Waiting for the deployment ${name} spec update to be observed` };
  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { state: 'failed', message: `Deployment ${name} exceeded its progress deadline` };
  const want = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < want)
    return { state: 'waiting', message: `${updated} of ${want} new replicas of ${name} updated` };
  if ((status.replicas ?? 0) > updated)
    return {
      state: 'waiting',
      message: `${(status.replicas ?? 0) - updated} old replicas of ${name} pending termination`,
    };
  if ((status.availableReplicas ?? 0) < updated)
    return {
      state: 'waiting',
      message: `${status.availableReplicas ?? 0} of ${updated} updated replicas of ${name} available`,
    };
  return { state: 'done', message: `Deployment ${name} successfully rolled out` };
}

/** The pod template of `deployment` as the step's apply sets it: these image and annotations. */
function patch(
  name: string,
  namespace: string,
  container: string | undefined,
  image: string | undefined,
  annotations: Record<string, string>,
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      template: {
        ...(Object.keys(annotations).length > 0 ? { metadata: { annotations } } : {}),
        ...(container && image !== undefined ? { spec: { containers: [{ name: container, image }] } } : {}),
      },
    },
  } as KubeObject;
}

/** Whether the Deployment's pod template has these image and annotations. */
function carries(
  deployment: Deployment,
  container: string | undefined,
  image: string | undefined,
  annotations: Record<string, string | undefined>,
): boolean {
  const template = deployment.spec?.template;
  const current = template?.spec?.containers?.find((c) => c.name === container)?.image;
  if (image !== undefined && current !== image) return false;
  return Object.entries(annotations).every(
    ([key, value]) => template?.metadata?.annotations?.[key] === value,
  );
}

/** What a rollout's field manager applies: its change, or (rollback) what it replaced. */
async function applyChange(
  client: KubeClient,
  run: RunContext,
  record: RolloutRecord,
  back: boolean,
  manager: string,
): Promise<void> {
  const annotations = back ? (record.previousAnnotations ?? {}) : (record.annotations ?? {});
  const image = back ? record.previousImage : record.image;
  // Server-side apply by the step's own manager: a rollback applies the previous values, and drops
  // the annotations that did not exist before (so the apply removes them).
  await client.apply(
    core.deployment,
    patch(record.deployment, run.namespace, record.container, image, annotations),
    {
      fieldManager: manager,
      force: true,
    },
  );
}

/**
 * Changes a Deployment (a container's image, pod-template annotations) as the organization's
 * remediator, and waits like `kubectl rollout status` until the deadline (the step's timeout).
 * What it replaces is recorded in status before it changes anything, so a rollback, even after a
 * crash, restores the values from before. It rolls back when the rollout does not finish in time,
 * the Deployment exceeds its progress deadline, or the run is cancelled; the step then fails.
 */
export const rolloutStep: StepExecutor<RolloutDefinition> = async (run, step, deps) => {
  const client = deps.remediatorOf(run.orgId);
  const manager = `${WORKFLOW_FIELD_MANAGER}-${step.definition.name}`;
  const recorded = step.status.result?.rollout;
  const failed = (reason: string, message: string, record?: RolloutRecord): StepOutcome => ({
    phase: 'Failed',
    reason,
    message,
    ...(record ? { result: { rollout: record } } : {}),
  });
  const going = (record: RolloutRecord, message: string): StepOutcome => ({
    phase: 'Running',
    message,
    result: { rollout: record },
    requeueAfterMs: WAIT_INTERVAL_MS,
  });
  const rollBack = async (record: RolloutRecord, why: string): Promise<StepOutcome> => {
    await applyChange(client, run, record, true, manager);
    const restored = record.previousImage ? ` to ${record.previousImage}` : '';
    return {
      ...failed('RolledBack', `${why}; rolled back${restored}`, { ...record, phase: 'RolledBack' }),
      ...(run.run.spec.cancelRequested ? { phase: 'Cancelled' as const, reason: REASONS.cancelled } : {}),
    };
  };

  if (!recorded) {
    if (run.run.spec.cancelRequested)
      return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled before the rollout' };
    // A name, or a workload parameter's deployment/<name>.
    const filled = fillIn(step.definition.deployment, run);
    const workload = parseWorkload(filled);
    const name = workload?.kind === 'Deployment' ? workload.name : filled;
    if (!DNS_NAME.test(name) || name.length > 253)
      return failed('InvalidRollout', `${filled} is not a Deployment`);
    const deployment = await client.find<Deployment>(core.deployment, name, run.namespace);
    if (!deployment) return failed('DeploymentNotFound', `No Deployment ${name} in ${run.namespace}`);
    const containers = deployment.spec?.template?.spec?.containers ?? [];
    const wanted =
      step.definition.container === undefined ? containers[0]?.name : fillIn(step.definition.container, run);
    const container = containers.find((c) => c.name === wanted);
    const image = step.definition.image === undefined ? undefined : fillIn(step.definition.image, run);
    if (image !== undefined && (!container || !/^\S+$/.test(image)))
      return failed(
        'InvalidRollout',
        container ? `${image} is not an image` : `Deployment ${name} has no container ${wanted}`,
      );
    const annotations = Object.fromEntries(
      Object.entries(step.definition.annotations ?? {}).map(([key, value]) => [key, fillIn(value, run)]),
    );
    const before = deployment.spec?.template?.metadata?.annotations ?? {};
    const timeoutMs = parseDuration(step.definition.timeout ?? DEFAULT_STEP_TIMEOUT) ?? 600_000;
    const record: RolloutRecord = {
      deployment: name,
      phase: 'Started',
      deadline: timestamp(run.now + timeoutMs),
      ...(image !== undefined && container
        ? { container: container.name, image, previousImage: container.image ?? '' }
        : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      previousAnnotations: Object.fromEntries(
        Object.keys(annotations)
          .filter((k) => k in before)
          .map((k) => [k, before[k] ?? '']),
      ),
    };
    return { ...going(record, `Rolling out ${name}`), requeueAfterMs: 1 };
  }

  if (recorded.phase === 'Started') {
    if (run.run.spec.cancelRequested)
      return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled before the rollout' };
    // Only if it is not there yet: a pass that applied and then lost its record (a crash, or a
    // status write refused as stale) must not apply again.
    const current = await client.find<Deployment>(core.deployment, recorded.deployment, run.namespace);
    if (!current)
      return failed('DeploymentNotFound', `No Deployment ${recorded.deployment} in ${run.namespace}`);
    if (!carries(current, recorded.container, recorded.image, recorded.annotations ?? {}))
      await applyChange(client, run, recorded, false, manager);
    failpoint('rollout-after-apply-before-record', run.run.metadata?.name);
    return going({ ...recorded, phase: 'Progressing' }, `Rolling out ${recorded.deployment}`);
  }

  const deployment = await client.find<Deployment>(core.deployment, recorded.deployment, run.namespace);
  if (!deployment)
    return failed(
      'DeploymentNotFound',
      `Deployment ${recorded.deployment} was deleted during its rollout`,
      recorded,
    );
  if (!carries(deployment, recorded.container, recorded.image, recorded.annotations ?? {})) {
    // A rollback this step applied before a crash, or someone else's change since.
    const previous = Object.fromEntries(
      Object.keys(recorded.annotations ?? {}).map((k) => [k, recorded.previousAnnotations?.[k]]),
    );
    return carries(deployment, recorded.container, recorded.previousImage, previous)
      ? failed('RolledBack', `Deployment ${recorded.deployment} was rolled back`, {
          ...recorded,
          phase: 'RolledBack',
        })
      : failed(
          'RolloutSuperseded',
          `Deployment ${recorded.deployment} was changed by someone else during its rollout`,
          recorded,
        );
  }
  if (run.run.spec.cancelRequested) return rollBack(recorded, 'Cancelled during the rollout');
  const { state, message } = rolloutState(deployment);
  if (state === 'done')
    return { phase: 'Succeeded', message, result: { rollout: { ...recorded, phase: 'RolledOut' } } };
  if (state === 'failed') return rollBack(recorded, message);
  if (run.now >= Date.parse(recorded.deadline))
    return rollBack(
      recorded,
      `Deployment ${recorded.deployment} did not finish by ${recorded.deadline} (${message})`,
    );
  return going(recorded, message);
};
