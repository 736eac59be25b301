import { z } from 'zod';
import { PHASES, RISKS, STEP_PHASES, STEP_TYPES, TEMPLATE_NAME } from '../workflows/index.ts';
import { environmentName } from './agents.ts';
import { contract } from './registry.ts';
import { orgId } from './token.ts';

const teamName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a team id (a DNS label)' });

export const StartWorkflow = contract(
  'StartWorkflow',
  z.strictObject({
    workflow_type: z
      .string()
      .max(63)
      .regex(TEMPLATE_NAME, { error: 'must be a template name (GET /workflows/templates)' })
      .describe('The template to run (GET /workflows/templates)'),
    environment: environmentName.optional().describe('Default: the organization’s first environment'),
    message: z.string().max(1024).optional().describe('What the requester wants, in their words'),
    parameters: z
      .record(z.string().max(63), z.string().max(1024))
      .optional()
      .describe('Values of the template’s parameters; defaults fill in the rest'),
    team: teamName.optional().describe('The run’s team; required when the requester is in several'),
  }),
);
export type StartWorkflow = z.infer<typeof StartWorkflow>;

export const WorkflowStep = contract(
  'WorkflowStep',
  z.strictObject({
    name: z.string(),
    type: z.enum(STEP_TYPES),
    risk: z.enum(RISKS).nullable().describe('A gate’s risk; null for other steps'),
    phase: z.enum(STEP_PHASES),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    result: z.record(z.string(), z.unknown()).nullable().describe('What the step found or did'),
    approval: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('A gate’s policy: Auto (and why), or what it requires and when it expires'),
  }),
);

export const WorkflowView = contract(
  'Workflow',
  z.strictObject({
    workflow_id: z.string().describe('The WorkflowRun’s name, e.g. wf-health-7k2x9'),
    template: z.string(),
    environment: z.string(),
    phase: z.enum(PHASES),
    reason: z.string().nullable().describe('Why the run is where it is (its Ready condition’s reason)'),
    team: z.string().nullable(),
    requested_by: z.string(),
    message: z.string().nullable(),
    created_at: z.string(),
    steps: z.array(WorkflowStep),
  }),
);
export type WorkflowView = z.infer<typeof WorkflowView>;

export const WorkflowStarted = contract(
  'WorkflowStarted',
  z.strictObject({
    workflow_id: z.string(),
    phase: z.enum(PHASES),
    tenant_context: z.strictObject({
      org_id: orgId,
      user_id: z.string(),
      workflow_quota_remaining: z
        .number()
        .int()
        .nullable()
        .describe('Workflow runs left this billing period, this one counted; null: unlimited'),
    }),
  }),
);
export type WorkflowStarted = z.infer<typeof WorkflowStarted>;

export const WorkflowQuery = contract(
  'WorkflowQuery',
  z.strictObject({
    phase: z.enum(PHASES).optional(),
    template: z.string().max(63).optional(),
  }),
);
export type WorkflowQuery = z.infer<typeof WorkflowQuery>;

export const WorkflowList = contract(
  'WorkflowList',
  z.strictObject({ workflows: z.array(WorkflowView).describe('Newest first') }),
);

const TEMPLATE_SOURCES = ['built_in', 'organization'] as const;

export const WorkflowTemplateQuery = contract(
  'WorkflowTemplateQuery',
  z.strictObject({
    source: z
      .enum(TEMPLATE_SOURCES)
      .optional()
      .describe('Only the built-in templates, or only the organization’s'),
  }),
);

export const WorkflowTemplateView = contract(
  'WorkflowTemplate',
  z.strictObject({
    name: z.string().describe('What runs name as workflow_type'),
    source: z
      .enum(TEMPLATE_SOURCES)
      .describe('built_in: Guardian’s own; organization: a WorkflowTemplate in org-<org>'),
    description: z.string(),
    parameters: z.record(
      z.string(),
      z.strictObject({
        kind: z.string(),
        description: z.string(),
        default: z.string().nullable(),
        required: z.boolean(),
      }),
    ),
    steps: z.array(
      z.strictObject({
        name: z.string(),
        type: z.enum(STEP_TYPES),
        description: z.string(),
        risk: z.enum(RISKS).nullable(),
      }),
    ),
  }),
);
export type WorkflowTemplateView = z.infer<typeof WorkflowTemplateView>;

export const WorkflowTemplateList = contract(
  'WorkflowTemplateList',
  z.strictObject({ templates: z.array(WorkflowTemplateView) }),
);

export const WorkflowReverted = contract(
  'WorkflowReverted',
  z.strictObject({
    workflow_id: z.string(),
    objects: z
      .array(
        z.strictObject({
          kind: z.string(),
          namespace: z.string(),
          name: z.string(),
          outcome: z
            .enum(['reverted', 'refused'])
            .describe('reverted: its remediated fields are as before; refused: left as it is, see reason'),
          reason: z
            .string()
            .nullable()
            .describe('Why it was refused: gone, or which remediated fields someone else changed since'),
          fields: z.array(z.string()).describe('The remediated fields, as paths in the object'),
        }),
      )
      .describe('Each object the run remediated and had not been reverted'),
  }),
);
export type WorkflowReverted = z.infer<typeof WorkflowReverted>;
export const DecideWorkflow = contract(
  'DecideWorkflow',
  z.strictObject({
    step: z
      .string()
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a step name (a DNS label)' })
      .optional()
      .describe('The gate decided on; default: the run’s gate that awaits a decision'),
    comment: z.string().max(4096).optional().describe('Why, in your words (kept with the decision)'),
  }),
);
export type DecideWorkflow = z.infer<typeof DecideWorkflow>;

export const GateView = contract(
  'WorkflowGate',
  z.strictObject({
    workflow_id: z.string(),
    step: z.string().describe('The gate (approval step)'),
    phase: z
      .string()
      .describe('AwaitingApproval; Approved or Rejected once the decisions settle it (the run moves on)'),
    required: z.strictObject({
      approvers: z.number().int().describe('Distinct people who must approve'),
      role: z.string().describe('The least role: team_lead (of the run’s team), org_admin or org_owner'),
    }),
    approved_by: z.array(z.string()).describe('Who approved, each person once'),
    rejected_by: z.string().nullable(),
    remaining: z.number().int().describe('Approvals still needed'),
    expires_at: z.string().nullable().describe('When the gate expires undecided (ApprovalExpired)'),
  }),
);

export const GateStanding = contract(
  'WorkflowGateStanding',
  z.strictObject({
    gate: GateView.nullable().describe('The gate awaiting a decision now; null: none does'),
    may_approve: z.boolean().describe('Whether the platform would accept your approval now'),
    may_reject: z.boolean().describe('Whether the platform would accept your rejection now'),
    reason: z
      .string()
      .nullable()
      .describe('Why you may not approve (the verdict an approval would get); null: you may'),
  }),
);

export const ApprovalQuery = contract(
  'ApprovalQuery',
  z.strictObject({
    status: z
      .enum(['pending'])
      .default('pending')
      .describe('pending: gates that await a decision you may make'),
  }),
);

export const PendingApprovals = contract(
  'PendingApprovals',
  z.strictObject({ approvals: z.array(GateView).describe('Gates you may decide now') }),
);
