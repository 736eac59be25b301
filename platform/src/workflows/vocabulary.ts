// The words of workflows (DESIGN.md, "Workflows and approvals"): the CRD, the API, the console, the
// CLI and Slack all say these, so they are declared once.

/** Where a run is. Pending waits for a concurrency slot; the last four are final. */
export const PHASES = [
  'Pending',
  'Running',
  'AwaitingApproval',
  'Succeeded',
  'Failed',
  'Rejected',
  'Cancelled',
] as const;
export type Phase = (typeof PHASES)[number];

export const FINAL_PHASES: readonly Phase[] = ['Succeeded', 'Failed', 'Rejected', 'Cancelled'];

export function isFinal(phase: string | undefined): boolean {
  return phase !== undefined && (FINAL_PHASES as readonly string[]).includes(phase);
}

/** A run in one of these holds one of its organization's concurrent-workflow slots. */
export const SLOT_PHASES: readonly Phase[] = ['Running', 'AwaitingApproval'];

/** What happened to one step. Skipped: the run ended before it. */
export const STEP_PHASES = [
  'Pending',
  'Running',
  'AwaitingApproval',
  'Succeeded',
  'Failed',
  'Skipped',
  'Cancelled',
] as const;
export type StepPhase = (typeof STEP_PHASES)[number];

export const FINAL_STEP_PHASES: readonly StepPhase[] = ['Succeeded', 'Failed', 'Skipped', 'Cancelled'];

/** Every step type a template may name; STEP_TYPES_AVAILABLE are the ones the operator runs today. */
export const STEP_TYPES = ['agents', 'remediate', 'job', 'rollout', 'monitor', 'approval', 'notify'] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** Workflows 2/3 brings remediate, job and rollout; a template needing them is not offered before. */
export const STEP_TYPES_AVAILABLE: readonly StepType[] = ['agents', 'monitor', 'approval', 'notify'];

/** The risk of a gate, which decides who must approve it (approval-policy.ts). */
export const RISKS = ['low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];

/**
 * Reasons of the `Ready` condition (and of a failed step), CamelCase like Kubernetes'. A run in
 * progress is Ready=Unknown with its phase as reason (or WaitingForSlot, WaitingForEnvironment,
 * OrganizationSuspended while it waits); a finished one True (Succeeded) or False with why.
 */
export const REASONS = {
  succeeded: 'Succeeded',
  waitingForSlot: 'WaitingForSlot',
  waitingForEnvironment: 'WaitingForEnvironment',
  templateNotFound: 'TemplateNotFound',
  environmentNotFound: 'EnvironmentNotFound',
  invalidParameters: 'InvalidParameters',
  teamNotFound: 'TeamNotFound',
  organizationSuspended: 'OrganizationSuspended',
  quotaExceeded: 'QuotaExceeded',
  agentQuotaExceeded: 'AgentQuotaExceeded',
  agentsFailed: 'AgentsFailed',
  regression: 'RegressionDetected',
  environmentUnreadable: 'EnvironmentUnreadable',
  approvalExpired: 'ApprovalExpired',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  stepFailed: 'StepFailed',
} as const;
export type Reason = (typeof REASONS)[keyof typeof REASONS];
