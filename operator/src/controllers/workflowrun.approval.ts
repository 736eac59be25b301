import { approvalPolicy, gateFor, REASONS, type Step } from '@guardian/platform/workflows';
import { timestamp } from './workflowrun.run.ts';
import type { StepExecutor } from './workflowrun.steps.ts';

/**
 * A gate. Its first execution asks the organization's approval policy (DESIGN.md's table, tightened
 * by spec.approvals): a gate the policy lets pass does so at once and records why; any other waits in
 * AwaitingApproval, holding the run's concurrency slot, until it is decided (Workflows 3/3: accepted
 * WorkflowApprovals), cancelled, or expires (ApprovalExpired) by the injected clock.
 */
export const approvalStep: StepExecutor<Extract<Step, { type: 'approval' }>> = async (run, step) => {
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
      },
      requeueAfterMs: gate.timeoutMs,
    };
  }
  if (recorded.policy === 'Auto') return { phase: 'Succeeded', message: recorded.reason };
  if (run.run.spec.cancelRequested) {
    return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled while awaiting approval' };
  }
  const expiresAt = recorded.expiresAt ? Date.parse(recorded.expiresAt) : run.now;
  if (run.now >= expiresAt) {
    return {
      phase: 'Failed',
      reason: REASONS.approvalExpired,
      message: `Nobody decided the gate before it expired at ${recorded.expiresAt}`,
    };
  }
  return { phase: 'AwaitingApproval', message: recorded.reason, requeueAfterMs: expiresAt - run.now };
};
