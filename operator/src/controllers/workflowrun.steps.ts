import type { Organization, WorkflowApproval } from '@guardian/crds/generated';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Agent, AgentRunStore } from '@guardian/platform/agents';
import type { AuditEvent } from '@guardian/platform/audit';
import type { Metering } from '@guardian/platform/quota';
import type { WebhookOutbox } from '@guardian/platform/webhooks';
import type { RemediationStore, Step, StepType, WorkflowTemplate } from '@guardian/platform/workflows';
import type { Logger } from 'pino';
import type { Run, StepStatus } from './workflowrun.run.ts';

/** A run as a step sees it: checked against its template, in its organization and environment. */
export interface RunContext {
  run: Run;
  orgId: string;
  org: Organization;
  template: WorkflowTemplate;
  /** The template's parameters with their defaults. */
  parameters: Record<string, string>;
  /** The environment's workload namespace, `org-<org>--<env>`. */
  namespace: string;
  /** The injected clock's time when the step runs. */
  now: number;
}

/** The step being run: its record in status (intent written, key set) and its template definition. */
export interface StepContext<S extends Step = Step> {
  status: StepStatus & { idempotencyKey: string };
  definition: S;
}

export interface StepDeps {
  /** The operator's own client: Events about the run. */
  client: KubeClient;
  /** A client acting as the organization's agent (impersonated): every read of its workloads. */
  agentOf(orgId: string): KubeClient;
  /**
   * A client acting as the organization's remediator (impersonated, `guardian-remediator`): every
   * change a step makes to its workloads (remediate, job, rollout), and only those.
   */
  remediatorOf(orgId: string): KubeClient;
  metering: Pick<Metering, 'consumeAll' | 'refund'>;
  agentRuns: AgentRunStore;
  /** What remediate steps changed, before and after, in the tenant database. */
  remediations: RemediationStore;
  /** The audit trail: what a step changed in the cluster. */
  audit: { append(event: AuditEvent): Promise<unknown> };
  /** The webhook outbox, for the findings an agents step opens. */
  webhooks?: WebhookOutbox;
  /** The agents an agents step may select: the catalog, unless a test brings its own. */
  agents?: readonly Agent[];
  organizations: { get(orgId: string): Organization | undefined };
  /** The WorkflowApprovals of a namespace (an informer's cache): what gates count. */
  approvals?(namespace: string): WorkflowApproval[];
  clock: Clock;
  log: Logger;
}

/**
 * What one execution of a step came to. Running and AwaitingApproval: not finished, look again
 * after `requeueAfterMs`; `approval` and `monitor` are recorded as they are (a gate's requirement,
 * a monitor's baseline). The others are final.
 */
export interface StepOutcome {
  phase: 'Running' | 'AwaitingApproval' | 'Succeeded' | 'Failed' | 'Cancelled';
  reason?: string;
  message?: string;
  result?: StepStatus['result'];
  approval?: StepStatus['approval'];
  monitor?: StepStatus['monitor'];
  requeueAfterMs?: number;
}

/**
 * A step type's executor: idempotent by the step's key (a crash after it acted repeats it; it
 * must then find what it did, not do it again), and it decides nothing about other steps: the
 * controller alone chooses what runs next, from status. A cancelled run (spec.cancelRequested)
 * reaches the executor of its step in progress, which ends it cleanly.
 */
export type StepExecutor<S extends Step = Step> = (
  run: RunContext,
  step: StepContext<S>,
  deps: StepDeps,
) => Promise<StepOutcome>;

export type StepExecutors = { [T in StepType]?: StepExecutor<Extract<Step, { type: T }>> };
