import type {
  Organization,
  WorkflowRun,
  WorkflowRunStatus,
  WorkflowRunStatusStep,
} from '@guardian/crds/generated';
import type { KubeObject } from '@guardian/kube/resources';
import {
  checkParameters,
  isFinal,
  type Phase,
  platformUserOf,
  REASONS,
  type Step,
  type Templates,
  type WorkflowTemplate,
} from '@guardian/platform/workflows';
import { type Condition, setConditions } from '../runtime/conditions.ts';
import { environmentsOf } from '../tenancy/names.ts';

export type Run = WorkflowRun & KubeObject;
export type StepStatus = WorkflowRunStatusStep;

/** Timestamps as Kubernetes writes them in status: RFC 3339, whole seconds. */
export const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What a run asks for, checked: its template, its parameters with defaults, the environment. */
export interface Accepted {
  template: WorkflowTemplate;
  parameters: Record<string, string>;
}

/** Why a run cannot run at all: a final condition, before anything is consumed. */
export interface Refused {
  reason: string;
  message: string;
}

/**
 * The run's request against its template and organization: the template exists, the environment
 * is one of the organization's, the parameters fit the template, the team (if any) exists. Pure,
 * so a refusal costs nothing and says exactly what is wrong.
 */
export function checkRun(
  run: Run,
  org: Organization,
  templates: Pick<Templates, 'get' | 'list'>,
  teamExists: (team: string) => boolean,
): Accepted | Refused {
  const { spec } = run;
  const template = templates.get(spec.template);
  if (!template) {
    const known = templates.list().map((t) => t.name);
    return {
      reason: REASONS.templateNotFound,
      message: `No workflow template ${spec.template}; templates: ${known.join(', ')}`,
    };
  }
  const environments = environmentsOf(org);
  if (!environments.includes(spec.environment)) {
    return {
      reason: REASONS.environmentNotFound,
      message: `Organization ${org.metadata?.name} has no environment ${spec.environment} (${environments.join(', ')})`,
    };
  }
  const parameters = checkParameters(template, spec.parameters, {
    allowedRegistries: org.spec.agents?.allowedRegistries,
  });
  if (!parameters.ok) {
    return {
      reason: REASONS.invalidParameters,
      message: parameters.errors.map((e) => `parameters.${e.parameter} ${e.message}`).join('; '),
    };
  }
  if (spec.team !== undefined && !teamExists(spec.team)) {
    return { reason: REASONS.teamNotFound, message: `No Team ${spec.team} in ${run.metadata?.namespace}` };
  }
  return { template, parameters: parameters.values };
}

/** The template's steps as a run's status lists them before any starts. */
export function initialSteps(template: WorkflowTemplate): StepStatus[] {
  return template.steps.map((step) => ({
    name: step.name,
    type: step.type,
    ...(step.type === 'approval' ? { risk: step.risk } : {}),
    phase: 'Pending' as const,
  }));
}

/** The step to work on: the first that has not finished; undefined when all have. */
export function currentStep(status: WorkflowRunStatus): StepStatus | undefined {
  return status.steps?.find((step) => !['Succeeded', 'Failed', 'Skipped', 'Cancelled'].includes(step.phase));
}

/** The template's definition of a step of the run (the status keeps name, type and risk only). */
export function definitionOf(template: WorkflowTemplate, step: StepStatus): Step | undefined {
  const found = template.steps.find((candidate) => candidate.name === step.name);
  return found?.type === step.type ? found : undefined;
}

/** Whether any step has begun: a run that ends before its first step gives its workflow unit back. */
export function anyStepStarted(status: WorkflowRunStatus): boolean {
  return (status.steps ?? []).some((step) => step.startedAt !== undefined);
}

/**
 * `status` with the run's Ready condition set: Unknown while it runs (reason: the phase, or why it
 * waits), True once Succeeded, False once it failed, was rejected or cancelled (reason: why).
 */
export function withReady(
  status: WorkflowRunStatus,
  run: Run,
  reason: string,
  message: string,
  now: number,
): WorkflowRunStatus {
  const phase = status.phase;
  const ready: Condition['status'] =
    phase === 'Succeeded' ? 'True' : phase !== undefined && isFinal(phase) ? 'False' : 'Unknown';
  return {
    ...status,
    observedGeneration: run.metadata?.generation,
    conditions: setConditions(
      status.conditions as Condition[] | undefined,
      [{ type: 'Ready', status: ready, reason, message, observedGeneration: run.metadata?.generation }],
      new Date(now),
    ),
  };
}

/**
 * The run ended as `phase`: the step in progress (if any) ends as the outcome says, the steps
 * after it are Skipped, and the Ready condition says why.
 */
export function finished(
  status: WorkflowRunStatus,
  run: Run,
  phase: Extract<Phase, 'Succeeded' | 'Failed' | 'Rejected' | 'Cancelled'>,
  reason: string,
  message: string,
  now: number,
): WorkflowRunStatus {
  const steps = (status.steps ?? []).map((step): StepStatus => {
    if (['Succeeded', 'Failed', 'Skipped', 'Cancelled'].includes(step.phase)) return step;
    if (step.phase === 'Pending') return { ...step, phase: 'Skipped' };
    // A step in progress when the run was cancelled (or its organization suspended) ends with it.
    return { ...step, phase: 'Cancelled', reason, message, finishedAt: timestamp(now) };
  });
  const { currentStep: _, ...rest } = status;
  return withReady({ ...rest, phase, steps, finishedAt: timestamp(now) }, run, reason, message, now);
}

/**
 * Why a run waits in Pending: the plan's limit, and nothing that moves while it waits. Runs
 * holding slots or waiting ahead change with every start and end; a message that counted them
 * would be written again on each waiting run whenever it is reconciled after one (a status write, a
 * watch event, another reconcile), so the work queue would fill with waiting runs rewriting their
 * place in line, ahead of the run whose turn it is.
 */
export function waitingForSlot(limit: number | null): string {
  return `Waiting for one of the plan's ${limit} concurrent workflow slots; runs start first come first served`;
}

/** Who the audit trail names for what a run does: its requester (a platform user id, or `oidc:<email>`). */
export function requesterOf(run: Run): string {
  const requestedBy = run.spec.requestedBy;
  return platformUserOf(requestedBy) ?? requestedBy;
}

/** Steps by name in status, for tests and messages. */
export function stepNamed(status: WorkflowRunStatus, name: string): StepStatus | undefined {
  return status.steps?.find((step) => step.name === name);
}
