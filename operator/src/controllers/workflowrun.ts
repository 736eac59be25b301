import { isDeepStrictEqual } from 'node:util';
import type { Organization, QuotaPolicy, Team, WorkflowRunStatus } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Informer } from '@guardian/kube/informer';
import { type KubeObject, splitKey } from '@guardian/kube/resources';
import type { AuditEvent } from '@guardian/platform/audit';
import { planLimits } from '@guardian/platform/quota';
import type { WebhookOutbox } from '@guardian/platform/webhooks';
import {
  type GoneRuns,
  isFinal,
  pinnedTemplates,
  pinTemplate,
  REASONS,
  resourceNameOf,
  stepKey,
  type TemplateCatalog,
  type TemplateResource,
  templatesFor,
  type WorkflowSlots,
} from '@guardian/platform/workflows';
import type { Logger } from 'pino';
import type { Reconciler, Result } from '../runtime/controller.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { failpoint } from '../runtime/failpoint.ts';
import { STATUS_FIELD_MANAGER } from '../runtime/status.ts';
import { controlNamespace, organizationOfNamespace } from '../tenancy/names.ts';
import { agentsStep } from './workflowrun.agents.ts';
import { approvalStep } from './workflowrun.approval.ts';
import { jobStep } from './workflowrun.job.ts';
import { monitorStep } from './workflowrun.monitor.ts';
import { notifyStep } from './workflowrun.notify.ts';
import { remediateStep } from './workflowrun.remediate.ts';
import { rolloutStep } from './workflowrun.rollout.ts';
import {
  anyStepStarted,
  checkRun,
  currentStep,
  definitionOf,
  finished,
  initialSteps,
  type Run,
  requesterOf,
  type StepStatus,
  timestamp,
  waitingForSlot,
  withReady,
} from './workflowrun.run.ts';
import type { RunContext, StepDeps, StepExecutor, StepExecutors, StepOutcome } from './workflowrun.steps.ts';
import { phaseEvent } from './workflowrun.webhooks.ts';

/** The executors of the step types the operator runs. */
export const STEP_EXECUTORS: StepExecutors = {
  agents: agentsStep,
  approval: approvalStep,
  job: jobStep,
  rollout: rolloutStep,
  monitor: monitorStep,
  notify: notifyStep,
  remediate: remediateStep,
};

export interface WorkflowRunDeps {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  events: EventRecorder;
  /** The built-in templates (tests add their own); each organization adds its WorkflowTemplates. */
  templates: TemplateCatalog;
  metering: StepDeps['metering'] & {
    consume(
      orgId: string,
      kind: 'workflows',
      key: string,
      actor: string,
    ): Promise<{ allowed: boolean; limit: number | null; period: string }>;
  };
  audit: { append(event: AuditEvent): Promise<unknown> };
  /** The webhook outbox: run phases are the operator's to observe, so it emits their events. */
  webhooks: WebhookOutbox;
  slots: Pick<WorkflowSlots, 'take' | 'release'>;
  /** What the step executors get (the agents' run path, the organization's agent). */
  steps: StepDeps;
  executors?: StepExecutors;
  /** Whether the organizations informer holds every Organization (no selector). */
  allOrganizations: boolean;
  informers: {
    runs: Informer<Run>;
    organizations: Informer<Organization>;
    plans: Informer<QuotaPolicy>;
    teams: Informer<Team & KubeObject>;
    templates: Informer<TemplateResource>;
  };
  /** Enqueues a run (`namespace/name`) ahead of the others: the next in line when a slot frees. */
  wake(key: string): void;
}

const normalize = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * The run as last read or written, and its status written through /status with the run's
 * resourceVersion as a precondition: a reconcile that read a stale cache, or raced a change of the
 * spec (a cancel), gets 409 and starts over from the new state instead of overwriting it. So the
 * intent of a step is recorded on the run as it really is before the step acts.
 */
class RunRecord {
  run: Run;
  private readonly client: KubeClient;

  constructor(client: KubeClient, run: Run) {
    this.client = client;
    this.run = run;
  }

  async write(status: WorkflowRunStatus): Promise<void> {
    if (isDeepStrictEqual(normalize(this.run.status), normalize(status))) return;
    const { name, namespace, resourceVersion } = this.run.metadata ?? {};
    this.run = await this.client.apply<Run>(
      KINDS.workflowRun,
      {
        apiVersion: KINDS.workflowRun.apiVersion,
        kind: KINDS.workflowRun.kind,
        metadata: { name, namespace, resourceVersion },
        status,
      } as Run,
      { fieldManager: STATUS_FIELD_MANAGER, subresource: 'status' },
    );
  }
}

/**
 * Drives WorkflowRuns from their status, level-based (Argo's controller, Temporal's rule): each
 * reconcile reads where the run is, decides the one next thing from status alone, records its
 * intent with the step's idempotency key, acts, and records the result; after a crash the step
 * is finished without its effect repeated. Nothing in memory decides anything.
 *
 *   accept:  template, environment, parameters, team checked (a refusal takes nothing); the
 *            workflow unit counted once, keyed by the run's uid (QuotaExceeded otherwise)
 *   admit:   Pending until one of the plan's concurrentWorkflows slots is free, first come first served
 *   steps:   in order; a gate waits in AwaitingApproval, a monitor over its window (requeueAfter)
 *   finish:  Succeeded, Failed, Rejected or Cancelled; the slot freed, the next in line woken; a run
 *            that ended before any step gives its workflow unit back
 */
export function workflowRunReconciler(deps: WorkflowRunDeps): Reconciler {
  const executors = deps.executors ?? STEP_EXECUTORS;
  // Final runs already settled by this process: only spares the database a repeated no-op.
  const settled = new Set<string>();

  const limitOf = (org: Organization) =>
    planLimits(deps.informers.plans.get(org.spec.plan)).concurrentWorkflows;

  /** Queue rows whose run is gone or over: the cache first, the apiserver for what it lacks. */
  const gone: GoneRuns = async (rows) => {
    const over = new Set<string>();
    for (const row of rows) {
      const cached = deps.informers.runs.get(`${row.namespace}/${row.name}`);
      const run =
        cached?.metadata?.uid === row.uid
          ? cached
          : await deps.client.find<Run>(KINDS.workflowRun, row.name, row.namespace);
      if (!run || run.metadata?.uid !== row.uid || isFinal(run.status?.phase)) over.add(row.uid);
    }
    return over;
  };

  /** Frees the run's slot and wakes whoever may now take one; gives back an unused workflow unit. */
  async function settle(orgId: string, org: Organization | undefined, run: Run): Promise<void> {
    const uid = run.metadata?.uid ?? '';
    if (settled.has(uid)) return;
    const next = await deps.slots.release(orgId, { uid }, org ? limitOf(org) : null);
    for (const waiting of next) deps.wake(`${waiting.namespace}/${waiting.name}`);
    if (!anyStepStarted(run.status ?? {})) await deps.metering.refund(orgId, 'workflows', uid);
    await emitPhase(orgId, run);
    settled.add(uid);
  }

  /** Phases this process has emitted (the outbox's key makes a repeat, e.g. after a restart, a no-op). */
  const emitted = new Set<string>();

  /**
   * A run's webhook event, from its recorded phase (level-based): `workflow.awaiting_approval` for
   * each gate it waits at, `workflow.finished` once it ended, each keyed by the run's uid and phase
   * (and gate), so it is one event however often the run is observed.
   */
  async function emitPhase(orgId: string, run: Run): Promise<void> {
    const event = phaseEvent(run);
    if (!event || emitted.has(event.key)) return;
    await deps.webhooks.emit(orgId, event);
    emitted.add(event.key);
  }

  return {
    name: 'workflowrun',
    async reconcile(key): Promise<Result | undefined> {
      const { namespace = '', name } = splitKey(key);
      const orgId = organizationOfNamespace(namespace);
      if (orgId === undefined) return undefined;
      const org = deps.informers.organizations.get(orgId);
      const cached = deps.informers.runs.get(key);
      if (!cached || cached.metadata?.deletionTimestamp) {
        // Deleted: whatever place it held in the queue is free.
        if (org || deps.allOrganizations) {
          for (const waiting of await deps.slots.release(
            orgId,
            { namespace, name },
            org ? limitOf(org) : null,
          ))
            deps.wake(`${waiting.namespace}/${waiting.name}`);
        }
        return undefined;
      }
      // Another install's organization (with a selector), or none yet: its run is not ours to drive.
      if (!org) return undefined;
      if (isFinal(cached.status?.phase)) {
        await settle(orgId, org, cached);
        return undefined;
      }
      await emitPhase(orgId, cached);
      return drive(orgId, org, new RunRecord(deps.client, cached));
    },
  };

  async function drive(orgId: string, org: Organization, record: RunRecord): Promise<Result | undefined> {
    const now = () => deps.clock.now();
    const run = record.run;
    const uid = run.metadata?.uid ?? '';
    const runName = run.metadata?.name ?? '';
    let status: WorkflowRunStatus = structuredClone(run.status ?? {});
    const audit = (action: string, suffix: string, detail: Record<string, unknown>) =>
      deps.audit.append({
        orgId,
        actor: requesterOf(run),
        action,
        target: runName,
        detail: { template: run.spec.template, environment: run.spec.environment, ...detail },
        key: `workflow/${uid}/${suffix}`,
      });

    const finish = async (
      phase: 'Succeeded' | 'Failed' | 'Rejected' | 'Cancelled',
      reason: string,
      message: string,
    ): Promise<undefined> => {
      const ended = finished(status, record.run, phase, reason, message, now());
      await audit(phase === 'Cancelled' ? 'workflow.cancelled' : 'workflow.finished', 'finished', {
        phase,
        reason,
        steps: (ended.steps ?? []).map((step) => `${step.name}:${step.phase}`),
      });
      await record.write(ended);
      // The slot first: the next run's start should not wait for this one's Event.
      await settle(orgId, org, record.run);
      await deps.events.record(record.run, phase === 'Succeeded' ? 'Normal' : 'Warning', reason, message);
      return undefined;
    };

    // Accept: checks that cost nothing, then the workflow unit.
    // The template the run was accepted with, once pinned; before that, the organization's now.
    const control = controlNamespace(orgId);
    const pinned = status.pinnedTemplate ? pinnedTemplates(status.pinnedTemplate) : undefined;
    if (pinned && !pinned.ok) return finish('Failed', REASONS.templateNotFound, pinned.message);
    const live = pinned?.ok
      ? undefined
      : await templatesFor(
          deps.templates,
          deps.informers.templates.list().filter((resource) => resource.metadata?.namespace === control),
          run.spec.template,
          (name) => deps.client.find<TemplateResource>(KINDS.workflowTemplate, name, control),
        );
    const templates = live ?? (pinned?.ok ? pinned.templates : undefined);
    if (!templates) return undefined;
    const checked = checkRun(
      run,
      org,
      templates,
      (team) => deps.informers.teams.get(`${controlNamespace(orgId)}/${team}`) !== undefined,
    );
    if ('reason' in checked) return finish('Failed', checked.reason, checked.message);
    const { template, parameters } = checked;
    if (live) {
      const resource = deps.informers.templates.get(`${control}/${resourceNameOf(template.name)}`);
      const source = live.sourceOf(template.name) ?? 'built_in';
      const generation = source === 'organization' ? resource?.metadata?.generation : undefined;
      status = { ...status, pinnedTemplate: pinTemplate(template, source, generation) };
    }
    if (status.phase === undefined) {
      if (run.spec.cancelRequested)
        return finish('Cancelled', REASONS.cancelled, 'Cancelled before it started');
      if (org.spec.suspended) return suspended(finish);
      const taken = await deps.metering.consume(orgId, 'workflows', uid, requesterOf(run));
      if (!taken.allowed) {
        return finish(
          'Failed',
          REASONS.quotaExceeded,
          `All ${taken.limit} workflow runs of the billing period from ${taken.period} are used`,
        );
      }
      status = { ...status, phase: 'Pending', steps: initialSteps(template) };
    }

    // Admit: a slot, first come first served.
    if (status.phase === 'Pending') {
      if (run.spec.cancelRequested)
        return finish('Cancelled', REASONS.cancelled, 'Cancelled while it waited');
      if (org.spec.suspended) return suspended(finish);
      const environment = org.status?.environments?.find((env) => env.name === run.spec.environment);
      if (!environment) {
        await record.write(
          withReady(
            status,
            run,
            REASONS.waitingForEnvironment,
            `Environment ${run.spec.environment} is not provisioned yet`,
            now(),
          ),
        );
        return undefined;
      }
      const limit = limitOf(org);
      const admission = await deps.slots.take(
        orgId,
        {
          uid,
          namespace: run.metadata?.namespace ?? '',
          name: runName,
          createdAt: run.metadata?.creationTimestamp ?? timestamp(now()),
        },
        limit,
        gone,
      );
      for (const waiting of admission.next) deps.wake(`${waiting.namespace}/${waiting.name}`);
      if (!admission.admitted) {
        await record.write(withReady(status, run, REASONS.waitingForSlot, waitingForSlot(limit), now()));
        return undefined;
      }
      await audit('workflow.started', 'started', { team: run.spec.team ?? null, parameters });
      status = { ...status, phase: 'Running', startedAt: timestamp(now()) };
    }

    // Steps, in order, until one waits or the run ends.
    if (org.spec.suspended && !run.spec.cancelRequested) {
      await record.write(
        withReady(status, run, REASONS.organizationSuspended, 'Paused: the organization is suspended', now()),
      );
      return undefined;
    }
    const workload = org.status?.environments?.find((env) => env.name === run.spec.environment)?.namespace;
    for (;;) {
      const step = currentStep(status);
      if (!step)
        return finish('Succeeded', REASONS.succeeded, `All ${status.steps?.length ?? 0} steps succeeded`);
      const definition = definitionOf(template, step);
      const execute = executors[step.type] as StepExecutor | undefined;
      if (!definition || !execute) {
        return finish(
          'Failed',
          REASONS.templateNotFound,
          `Template ${template.name} no longer has step ${step.name} (${step.type})`,
        );
      }
      if (step.phase === 'Pending') {
        if (run.spec.cancelRequested)
          return finish('Cancelled', REASONS.cancelled, `Cancelled before step ${step.name}`);
        status = updateStep({ ...status, phase: 'Running', currentStep: step.name }, step.name, {
          phase: 'Running',
          startedAt: timestamp(now()),
          idempotencyKey: stepKey(uid, step.name),
        });
        await record.write(withReady(status, run, 'Running', `Step ${step.name} (${step.type})`, now()));
        failpoint('workflow-after-intent-before-act', runName);
        failpoint('workflow-after-intent-before-act', `${runName}/${step.name}`);
      }
      const intended = currentStep(status) as StepStatus & { idempotencyKey: string };
      const context: RunContext = {
        run: record.run,
        orgId,
        org,
        template,
        parameters,
        namespace: workload ?? '',
        now: now(),
      };
      const outcome = await execute(context, { status: intended, definition }, deps.steps);
      failpoint('workflow-after-act-before-record', runName);
      // Keyed `<run>/<step>` too: a crash test may pick the step (a remediation after the agents).
      failpoint('workflow-after-act-before-record', `${runName}/${step.name}`);
      status = updateStep(
        status,
        step.name,
        recorded(
          outcome,
          outcome.phase === 'Running' || outcome.phase === 'AwaitingApproval' ? undefined : now(),
        ),
      );
      if (outcome.phase === 'Running' || outcome.phase === 'AwaitingApproval') {
        if (outcome.phase === 'AwaitingApproval' && !intended.approval) {
          await audit('workflow.approval.requested', `step/${step.name}/requested`, {
            step: step.name,
            risk: definition.type === 'approval' ? definition.risk : null,
            approvers: outcome.approval?.approvers ?? null,
            role: outcome.approval?.role ?? null,
            expires_at: outcome.approval?.expiresAt ?? null,
          });
        }
        status = { ...status, phase: outcome.phase, currentStep: step.name };
        await record.write(
          withReady(status, run, outcome.phase, outcome.message ?? `Step ${step.name}`, now()),
        );
        return outcome.requeueAfterMs === undefined
          ? undefined
          : { requeueAfter: Math.max(1, outcome.requeueAfterMs) };
      }
      await audit('workflow.step.completed', `step/${step.name}`, {
        step: step.name,
        type: step.type,
        phase: outcome.phase,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        ...(outcome.result?.agentRun ? { agent_run: outcome.result.agentRun.id } : {}),
      });
      if (outcome.phase === 'Cancelled')
        return finish('Cancelled', REASONS.cancelled, outcome.message ?? 'Cancelled');
      if (outcome.reason === REASONS.approvalExpired) {
        await audit('workflow.approval.expired', `step/${step.name}/expired`, {
          step: step.name,
          expires_at: outcome.approval?.expiresAt ?? null,
        });
      }
      if (outcome.phase === 'Failed' && outcome.reason === REASONS.rejected)
        return finish('Rejected', REASONS.rejected, `Step ${step.name}: ${outcome.message ?? ''}`);
      if (outcome.phase === 'Failed') {
        return finish(
          'Failed',
          outcome.reason ?? REASONS.stepFailed,
          `Step ${step.name} failed: ${outcome.message ?? ''}`,
        );
      }
    }
  }

  function suspended(finish: (phase: 'Failed', reason: string, message: string) => Promise<undefined>) {
    return finish(
      'Failed',
      REASONS.organizationSuspended,
      'The organization is suspended: no workflow starts',
    );
  }
}

/** `status` with step `name` changed by `change`. */
function updateStep(status: WorkflowRunStatus, name: string, change: Partial<StepStatus>): WorkflowRunStatus {
  return {
    ...status,
    steps: (status.steps ?? []).map((step) => (step.name === name ? { ...step, ...change } : step)),
  };
}

/** What a step's status records of an outcome; `finishedAt` once it is final. */
function recorded(outcome: StepOutcome, finishedAt: number | undefined): Partial<StepStatus> {
  return {
    phase: outcome.phase,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.message ? { message: outcome.message.slice(0, 1024) } : {}),
    ...(outcome.result ? { result: outcome.result } : {}),
    ...(outcome.approval ? { approval: outcome.approval } : {}),
    ...(outcome.monitor ? { monitor: outcome.monitor } : {}),
    ...(finishedAt === undefined ? {} : { finishedAt: timestamp(finishedAt) }),
  };
}
