import {
  acceptedDecisions,
  approvalPolicy,
  gateFor,
  gateState,
  REASONS,
  type Step,
} from '@guardian/platform/workflows';
import { timestamp } from './workflowrun.run.ts';
import type { StepExecutor } from './workflowrun.steps.ts';

/**
 * A gate. Its first execution asks the organization's approval policy (DESIGN.md's table, tightened
 * by spec.approvals): a gate the policy lets pass does so at once and records why; any other waits in
 * AwaitingApproval, holding the run's concurrency slot. It counts only the WorkflowApprovals the
 * platform accepted, in the order it accepted them: the first that settles the gate settles it (a
 * reject ends the run Rejected; the last approval needed moves it on). Undecided at its expiry (by
 * the injected clock) it fails the run with ApprovalExpired; a cancel ends it.
 */
export const approvalStep: StepExecutor<Extract<Step, { type: 'approval' }>> = async (run, step, deps) => {
  const recorded = step.status.approval;
  if (!recorded) {
    const gate = gateFor(
      approvalPolicy(run.org.spec.approvals),
      step.definition.risk,
      run.run.spec.environment,
    );
    if (gate.auto) {
      return {
        phase: 'Succeeded',
        message: gate.reason,
        approval: { policy: 'Auto', reason: gate.reason, production: gate.production },
      };
    }
    return {
      phase: 'AwaitingApproval',
      message: gate.reason,
      approval: {
        policy: 'Required',
        reason: gate.reason,
        production: gate.production,
        approvers: gate.approvers,
        role: gate.role,
        expiresAt: timestamp(run.now + gate.timeoutMs),
        approvedBy: [],
        remaining: gate.approvers,
      },
      requeueAfterMs: gate.timeoutMs,
    };
  }
  if (recorded.policy === 'Auto') return { phase: 'Succeeded', message: recorded.reason };
  const approvals = deps.approvals?.(run.run.metadata?.namespace ?? '') ?? [];
  const state = gateState(recorded.approvers ?? 1, acceptedDecisions(approvals, run.run, step.status.name));
  const approval = {
    ...recorded,
    approvedBy: state.approvedBy,
    remaining: state.remaining,
    ...(state.rejectedBy ? { rejectedBy: state.rejectedBy } : {}),
  };
  if (state.outcome === 'rejected') {
    return {
      phase: 'Failed',
      reason: REASONS.rejected,
      message: `Rejected by ${state.rejectedBy}`,
      approval,
    };
  }
  if (state.outcome === 'approved') {
    return { phase: 'Succeeded', message: `Approved by ${state.approvedBy.join(', ')}`, approval };
  }
  if (run.run.spec.cancelRequested) {
    return {
      phase: 'Cancelled',
      reason: REASONS.cancelled,
      message: 'Cancelled while awaiting approval',
      approval,
    };
  }
  const expiresAt = recorded.expiresAt ? Date.parse(recorded.expiresAt) : run.now;
  if (run.now >= expiresAt) {
    return {
      phase: 'Failed',
      reason: REASONS.approvalExpired,
      message: `Nobody decided the gate before it expired at ${recorded.expiresAt}`,
      approval,
    };
  }
  const waiting =
    state.approvedBy.length > 0
      ? `${recorded.reason}; approved by ${state.approvedBy.join(', ')}, ${state.remaining} more needed`
      : recorded.reason;
  return { phase: 'AwaitingApproval', message: waiting, approval, requeueAfterMs: expiresAt - run.now };
};
