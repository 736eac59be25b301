import { randomBytes } from 'node:crypto';
import type { WorkflowApproval, WorkflowRun } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { ApiError, type KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import { Informer } from '@guardian/kube/informer';
import type { KubeObject } from '@guardian/kube/resources';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/AuditLog.ts';
import { logError } from '../http/log-error.ts';
import type { NameLockStore } from '../stores/NameLockStore.ts';
import {
  acceptedDecisions,
  type DecisionKind,
  type GateInput,
  type GateState,
  gateState,
  type Person,
  PLATFORM_REQUESTER_PREFIX,
  VERDICTS,
  type Verdict,
  verdict,
} from '../workflows/index.ts';
import { type Actor, auditActor, currentOrg } from './actor.ts';
import { ConflictError, ForbiddenError, ValidationError } from './errors.ts';
import { controlNamespace, type OrganizationDirectory } from './OrganizationDirectory.ts';
import { FIELD_MANAGER } from './OrganizationService.ts';
import type { People } from './people.ts';
import { findRun } from './WorkflowService.ts';

type Approval = WorkflowApproval & KubeObject;
type Run = WorkflowRun & KubeObject;

export interface ApprovalServiceDeps {
  kube: KubeClient;
  locks: Pick<NameLockStore, 'holding'>;
  people: Pick<People, 'resolve' | 'ofActor'>;
  audit: Pick<AuditLog, 'append'>;
  directory: Pick<OrganizationDirectory, 'get'>;
  clock: Clock;
  log: Logger;
}

/** A gate as the API shows it: what it needs, who decided, who is still needed, when it expires. */
export interface GateView {
  workflow_id: string;
  step: string;
  phase: string;
  required: { approvers: number; role: string };
  approved_by: string[];
  rejected_by: string | null;
  remaining: number;
  expires_at: string | null;
}

/** A gate and what the platform would say of the caller's decision on it now. */
export interface GateStandingView {
  gate: GateView | null;
  may_approve: boolean;
  may_reject: boolean;
  reason: string | null;
}

/** Refusals the person could not have avoided by deciding sooner: 403; the others (timing) 409. */
const PERSONAL = new Set<string>([
  VERDICTS.ownRun,
  VERDICTS.roleTooLow,
  VERDICTS.anotherTeam,
  VERDICTS.alreadyApproved,
  VERDICTS.unknownUser,
]);

const orgOfNamespace = (namespace: string) =>
  namespace.startsWith('org-') && !namespace.includes('--') ? namespace.slice(4) : undefined;

/** The gate `step` of `run` as its status says it now. */
function gateOf(run: Run | undefined, step: string): GateInput | undefined {
  const status = run?.status?.steps?.find((candidate) => candidate.name === step);
  if (!status || status.type !== 'approval') return undefined;
  return {
    stepPhase: status.phase,
    policy: status.approval?.policy ?? 'Required',
    approvers: status.approval?.approvers ?? 1,
    role: status.approval?.role ?? 'team_lead',
    ...(status.approval?.expiresAt ? { expiresAt: status.approval.expiresAt } : {}),
  };
}

/**
 * The platform judges people (DESIGN.md): every decision on a gate is a WorkflowApproval, and this
 * is its one judge. Decisions of the API are judged before they are recorded (a refusal is 403 or
 * 409 and records nothing but the audit entry); any other (kubectl, as the person) is judged when
 * the watch sees it. Verdicts on one gate are serialized across replicas by a Postgres advisory
 * lock, and read the run and the gate's decisions live, so of two racing decisions the first
 * decides and the second is refused as late; the verdict is written with the approval's
 * resourceVersion as a precondition, so of replicas judging one approval one writes, once.
 */
export class ApprovalService {
  private readonly deps: ApprovalServiceDeps;
  private readonly informer: Informer<Approval>;
  private readonly queued = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(deps: ApprovalServiceDeps) {
    this.deps = deps;
    this.informer = new Informer<Approval>(deps.kube, KINDS.workflowApproval, deps.log);
  }

  start(): void {
    this.informer.onChange((approval, change) => {
      if (change !== 'delete' && approval.status?.accepted === undefined) this.enqueue(approval);
    });
    this.informer.start();
  }

  /** Stops watching; resolves when the verdicts in progress are written. */
  async stop(): Promise<void> {
    this.informer.stop();
    await this.chain;
  }

  /** How many approvals await a verdict here (for tests and metrics). */
  get backlog(): number {
    return this.queued.size;
  }

  private enqueue(approval: Approval): void {
    const namespace = approval.metadata?.namespace ?? '';
    const key = `${namespace}/${approval.metadata?.name ?? ''}`;
    const orgId = orgOfNamespace(namespace);
    if (orgId === undefined || !this.deps.directory.get(orgId) || this.queued.has(key)) return;
    this.queued.add(key);
    this.chain = this.chain
      .then(() => this.judgeStored(orgId, namespace, approval.metadata?.name ?? ''))
      .catch((error: unknown) =>
        this.deps.log.warn({ error: logError(error), approval: key }, 'Could not judge a WorkflowApproval'),
      )
      .finally(() => this.queued.delete(key));
  }

  /** Runs `work` holding the gate's lock, with the run and the gate's accepted decisions read live. */
  private async onGate<T>(
    namespace: string,
    runName: string,
    step: string,
    work: (run: Run | undefined, accepted: ReturnType<typeof acceptedDecisions>) => Promise<T>,
  ): Promise<T> {
    return this.deps.locks.holding('workflow-gate', `${namespace}/${runName}/${step}`, async () => {
      const run = await this.deps.kube.find<Run>(KINDS.workflowRun, runName, namespace);
      const { items } = await this.deps.kube.list<Approval>(KINDS.workflowApproval, { namespace });
      return work(run, run ? acceptedDecisions(items, run, step) : []);
    });
  }

  private judge(
    decision: DecisionKind,
    run: Run | undefined,
    step: string,
    person: Person | undefined,
    accepted: ReturnType<typeof acceptedDecisions>,
  ): Verdict {
    return verdict({
      decision,
      gate: gateOf(run, step),
      run: { team: run?.spec.team, requestedBy: run?.spec.requestedBy ?? '' },
      person,
      accepted,
      now: this.deps.clock.now(),
    });
  }

  /** A decision made otherwise than through the API (kubectl): judged once, by whichever replica. */
  private async judgeStored(orgId: string, namespace: string, name: string): Promise<void> {
    const seen = await this.deps.kube.find<Approval>(KINDS.workflowApproval, name, namespace);
    if (!seen || seen.status?.accepted !== undefined) return;
    const { workflowRun, step, user, decision } = seen.spec;
    await this.onGate(namespace, workflowRun, step, async (run, accepted) => {
      // Under the lock: the API may have judged it meanwhile (it holds the lock while it records).
      const approval = await this.deps.kube.find<Approval>(KINDS.workflowApproval, name, namespace);
      if (!approval || approval.status?.accepted !== undefined) return;
      const person = await this.deps.people.resolve(user, orgId);
      const judged = this.judge(decision, run, step, person, accepted);
      if (await this.record(approval, judged, person))
        await this.audited(orgId, approval, judged, person?.id);
    });
  }

  /** Writes the verdict; false when another replica wrote one first (the precondition failed). */
  private async record(approval: Approval, judged: Verdict, person: Person | undefined): Promise<boolean> {
    const now = new Date(this.deps.clock.now()).toISOString();
    try {
      await this.deps.kube.apply<Approval>(
        KINDS.workflowApproval,
        {
          apiVersion: KINDS.workflowApproval.apiVersion,
          kind: KINDS.workflowApproval.kind,
          metadata: {
            name: approval.metadata?.name,
            namespace: approval.metadata?.namespace,
            resourceVersion: approval.metadata?.resourceVersion,
          },
          status: {
            accepted: judged.accepted,
            reason: judged.reason,
            message: judged.message,
            person: person?.id ?? approval.spec.user,
            decidedAt: now,
            observedGeneration: approval.metadata?.generation ?? 1,
            conditions: [
              {
                type: 'Ready',
                status: judged.accepted ? 'True' : 'False',
                reason: judged.reason,
                message: judged.message,
                lastTransitionTime: now.replace(/\.\d+Z$/, 'Z'),
                observedGeneration: approval.metadata?.generation ?? 1,
              },
            ],
          },
        } as Approval,
        { fieldManager: FIELD_MANAGER, subresource: 'status' },
      );
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) return false;
      throw error;
    }
  }

  private audited(orgId: string, approval: Approval, judged: Verdict, person: string | undefined) {
    const action = !judged.accepted
      ? 'workflow.approval.refused'
      : approval.spec.decision === 'approve'
        ? 'workflow.approval.approved'
        : 'workflow.approval.rejected';
    return this.deps.audit.append({
      orgId,
      actor: person ?? approval.spec.user,
      action,
      target: approval.spec.workflowRun,
      detail: {
        step: approval.spec.step,
        decision: approval.spec.decision,
        user: approval.spec.user,
        approval: approval.metadata?.name,
        reason: judged.reason,
        message: judged.message,
        ...(approval.spec.comment ? { comment: approval.spec.comment } : {}),
      },
      key: `workflow-approval/${approval.metadata?.uid ?? ''}`,
    });
  }

  /**
   * A decision through the API, as the actor: judged first; accepted, it is recorded as a
   * WorkflowApproval in the actor's name (guardian:<id>) with the verdict; refused, it is 403 (the
   * person may not) or 409 (the gate does not wait, expired, or was decided already).
   */
  async decide(
    actor: Actor,
    id: string,
    decision: DecisionKind,
    request: { step?: string; comment?: string },
  ): Promise<GateView> {
    const orgId = currentOrg(actor);
    const namespace = controlNamespace(orgId);
    const current = await findRun(this.deps.kube, orgId, id);
    const step = request.step ?? awaitingGate(current);
    if (request.step !== undefined && !gateOf(current, request.step)) {
      throw new ValidationError([{ field: 'step', message: 'is not a gate (approval step) of this run' }]);
    }
    if (step === undefined) throw new ConflictError('No gate of this run awaits a decision');
    const person = await this.deps.people.ofActor(actor);
    return this.onGate(namespace, id, step, async (run, accepted) => {
      const judged = this.judge(decision, run, step, person, accepted);
      if (!judged.accepted) {
        await this.deps.audit.append({
          orgId,
          actor: auditActor(actor),
          action: 'workflow.approval.refused',
          target: id,
          detail: {
            step,
            decision,
            user: `${PLATFORM_REQUESTER_PREFIX}${actor.userId}`,
            reason: judged.reason,
            message: judged.message,
          },
        });
        throw PERSONAL.has(judged.reason)
          ? new ForbiddenError(judged.message)
          : new ConflictError(judged.message);
      }
      const approval = await this.deps.kube.apply<Approval>(
        KINDS.workflowApproval,
        {
          apiVersion: KINDS.workflowApproval.apiVersion,
          kind: KINDS.workflowApproval.kind,
          metadata: { name: `${id}-${step}-${randomBytes(4).toString('hex')}`, namespace },
          spec: {
            workflowRun: id,
            step,
            decision,
            user: `${PLATFORM_REQUESTER_PREFIX}${actor.userId}`,
            ...(request.comment ? { comment: request.comment } : {}),
          },
        } as Approval,
        { fieldManager: FIELD_MANAGER },
      );
      await this.record(approval, judged, person);
      await this.audited(orgId, approval, judged, auditActor(actor));
      const gate = gateOf(run, step) as GateInput;
      const decided = [...accepted, { person: person.id, user: approval.spec.user, decision }];
      return gateView(id, step, gate, gateState(gate.approvers, decided));
    });
  }

  /** The gates of the organization's runs that await a decision the actor may make. */
  async pending(actor: Actor): Promise<GateView[]> {
    const orgId = currentOrg(actor);
    const person = await this.deps.people.ofActor(actor);
    const { items } = await this.deps.kube.list<Run>(KINDS.workflowRun, {
      namespace: controlNamespace(orgId),
    });
    const approvals = this.informer.list();
    return items.flatMap((run) => {
      const step = awaitingGate(run);
      const gate = step === undefined ? undefined : gateOf(run, step);
      if (step === undefined || !gate) return [];
      const accepted = acceptedDecisions(approvals, run, step);
      if (!this.judge('approve', run, step, person, accepted).accepted) return [];
      return [gateView(run.metadata?.name ?? '', step, gate, gateState(gate.approvers, accepted))];
    });
  }

  /**
   * The gate of run `id` awaiting a decision, and the verdicts an approval and a rejection by the
   * actor would get now: what the console shows (buttons, or the reason) without judging itself.
   */
  async standing(actor: Actor, id: string): Promise<GateStandingView> {
    const run = await findRun(this.deps.kube, currentOrg(actor), id);
    const step = awaitingGate(run);
    const gate = step === undefined ? undefined : gateOf(run, step);
    if (step === undefined || !gate) {
      return {
        gate: null,
        may_approve: false,
        may_reject: false,
        reason: 'No gate of this run awaits a decision',
      };
    }
    const person = await this.deps.people.ofActor(actor);
    const accepted = acceptedDecisions(this.informer.list(), run, step);
    const approve = this.judge('approve', run, step, person, accepted);
    const reject = this.judge('reject', run, step, person, accepted);
    return {
      gate: gateView(id, step, gate, gateState(gate.approvers, accepted)),
      may_approve: approve.accepted,
      may_reject: reject.accepted,
      reason: approve.accepted ? null : approve.message,
    };
  }
}

/** The gate of `run` that awaits a decision now, if any. */
function awaitingGate(run: Run): string | undefined {
  return run.status?.steps?.find((step) => step.type === 'approval' && step.phase === 'AwaitingApproval')
    ?.name;
}

function gateView(id: string, step: string, gate: GateInput, state: GateState): GateView {
  return {
    workflow_id: id,
    step,
    phase:
      state.outcome === 'approved' ? 'Approved' : state.outcome === 'rejected' ? 'Rejected' : gate.stepPhase,
    required: { approvers: gate.approvers, role: gate.role },
    approved_by: state.approvedBy,
    rejected_by: state.rejectedBy ?? null,
    remaining: state.remaining,
    expires_at: gate.expiresAt ?? null,
  };
}
