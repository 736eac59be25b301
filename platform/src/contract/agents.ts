import { z } from 'zod';
import { CATEGORIES, SEVERITIES } from '../agents/index.ts';
import { contract } from './registry.ts';
import { orgId } from './token.ts';

/** An environment name as the Organization CRD allows it: a DNS label of at most 20, without `--`. */
export const environmentName = z
  .string()
  .min(1)
  .max(20)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be an environment name (a DNS label)' })
  .refine((name) => !name.includes('--'), { error: 'must not contain --' });

const severity = z.enum(SEVERITIES);
const category = z.enum(CATEGORIES);

export const SeverityCounts = contract(
  'SeverityCounts',
  z.strictObject({
    critical: z.number().int(),
    high: z.number().int(),
    medium: z.number().int(),
    low: z.number().int(),
    info: z.number().int(),
  }),
);

export const AgentView = contract(
  'Agent',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    category,
    description: z.string(),
    checks: z.array(
      z.strictObject({ id: z.string().describe('<agent>/<check>'), severity, title: z.string() }),
    ),
    allowed: z.boolean().describe('Whether the caller may run it (their teams’ agent categories)'),
  }),
);
export type AgentView = z.infer<typeof AgentView>;

export const AgentList = contract('AgentList', z.strictObject({ agents: z.array(AgentView) }));

export const RunAgents = contract(
  'RunAgents',
  z.strictObject({
    environment: environmentName.describe('One of the organization’s environments'),
    agents: z.array(z.string().min(1).max(64)).max(100).optional().describe('Agent ids (GET /agents) to run'),
    categories: z
      .array(z.string().min(1).max(64))
      .max(20)
      .optional()
      .describe(`Run every agent of these categories (${CATEGORIES.join(', ')}); with agents, both`),
  }),
  'Without agents and categories: every agent the caller may run',
);
export type RunAgents = z.infer<typeof RunAgents>;

export const FindingView = contract(
  'Finding',
  z.strictObject({
    id: z.string().describe('Stable for one check on one resource, across runs'),
    check: z.string().describe('<agent>/<check>'),
    agent: z.string(),
    category,
    severity,
    resource: z.strictObject({
      kind: z.string(),
      namespace: z.string().nullable().describe('null for cluster-scoped objects and the namespace itself'),
      name: z.string(),
    }),
    message: z.string(),
    remediation: z.string(),
    evidence: z.record(z.string(), z.unknown()),
  }),
);
export type FindingView = z.infer<typeof FindingView>;

const money = z.number().describe('Per month (730 hours), in the currency');

export const RunCostView = contract(
  'AgentRunCost',
  z.strictObject({
    currency: z.string().describe('ISO 4217, e.g. USD (the chart’s and the organization’s prices)'),
    monthly_total: money.describe(
      'What the environment reserves per month: workloads, PersistentVolumeClaims and LoadBalancer Services (batch workloads are not counted: how long they run is unknown)',
    ),
    by_workload: z
      .array(z.strictObject({ kind: z.string(), name: z.string(), monthly: money }))
      .describe('Each priced workload (desired replicas × what one reserves), most expensive first'),
    by_team: z
      .array(z.strictObject({ team: z.string(), monthly: money }))
      .describe(
        'The total by the guardian.aiops.dev/team label of each workload (claims and LoadBalancers by their own); unassigned: no label',
      ),
    by_environment: z
      .array(z.strictObject({ environment: z.string(), monthly: money }))
      .describe('The total by environment: the run’s one (GET /environments has the latest of each)'),
  }),
  'What the environment costs per month, answered by runs that include a cost agent',
);

const runFields = {
  run_id: z.uuid(),
  environment: z.string(),
  agents: z.array(z.string()).describe('Every agent the run selected'),
  status: z
    .enum(['succeeded', 'partial', 'failed'])
    .describe('partial: some agents failed (see failures; their units were refunded)'),
  summary: SeverityCounts.describe('The findings by severity'),
  skipped: z
    .array(z.strictObject({ check: z.string(), reason: z.string() }))
    .describe('Checks that could not run, and why'),
  failures: z
    .array(z.strictObject({ agent: z.string(), reason: z.string() }))
    .describe('Agents that failed, and why; their findings are absent and their units refunded'),
  cost: RunCostView.optional().describe(
    'What the environment costs per month, when the run included a cost agent',
  ),
  duration_ms: z.number().int(),
  created_at: z.iso.datetime(),
  requested_by: z.string().describe('A user id, or apikey:<id>'),
};

export const AgentRunView = contract(
  'AgentRun',
  z.strictObject({ ...runFields, findings: z.array(FindingView) }),
);
export type AgentRunView = z.infer<typeof AgentRunView>;

export const AgentRunCreated = contract(
  'AgentRunCreated',
  z.strictObject({
    ...runFields,
    findings: z.array(FindingView),
    tenant_context: z.strictObject({
      org_id: orgId,
      user_id: z.string(),
      quota_remaining: z
        .number()
        .int()
        .nullable()
        .describe('Agent executions left this billing period, after this run; null: unlimited'),
    }),
  }),
);
export type AgentRunCreated = z.infer<typeof AgentRunCreated>;

const cursor = z.string().max(512).optional().describe('The previous page’s next_cursor');
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const AgentRunQuery = contract(
  'AgentRunQuery',
  z.strictObject({ environment: environmentName.optional(), limit: limit(100, 20), cursor }),
);
export type AgentRunQuery = z.infer<typeof AgentRunQuery>;

export const AgentRunList = contract(
  'AgentRunList',
  z.strictObject({
    runs: z.array(z.strictObject(runFields)).describe('Newest first, without their findings'),
    next_cursor: z.string().nullable().describe('Pass as cursor= for the next page; null on the last'),
  }),
);
export type AgentRunList = z.infer<typeof AgentRunList>;

export const FindingQuery = contract(
  'FindingQuery',
  z.strictObject({
    environment: environmentName.optional(),
    severity: severity.optional(),
    agent: z.string().max(64).optional(),
    status: z.enum(['open', 'resolved']).optional().describe('Default: both'),
    limit: limit(1000, 200),
    cursor,
  }),
);
export type FindingQuery = z.infer<typeof FindingQuery>;

export const TrackedFindingView = contract(
  'TrackedFinding',
  FindingView.extend({
    environment: z.string(),
    status: z
      .enum(['open', 'resolved'])
      .describe('open while runs of its agent report it; resolved once a later run no longer does'),
    first_seen: z.iso.datetime().describe('The first run of this open stretch that reported it'),
    last_seen: z.iso.datetime().describe('The last run that reported it'),
    resolved_at: z.iso.datetime().nullable(),
  }),
);

export const FindingList = contract(
  'FindingList',
  z.strictObject({
    findings: z.array(TrackedFindingView).describe('Most severe first'),
    next_cursor: z.string().nullable(),
  }),
);
export type FindingList = z.infer<typeof FindingList>;

export const EnvironmentView = contract(
  'Environment',
  z.strictObject({
    name: z.string(),
    namespace: z.string(),
    provisioned: z.boolean().describe('Whether the operator has made its namespace'),
    workloads: z
      .strictObject({ ready: z.number().int(), total: z.number().int() })
      .nullable()
      .describe('Deployments, StatefulSets and DaemonSets, read as the agent; null when unreadable'),
    open_findings: SeverityCounts,
    cost: z
      .strictObject({
        run_id: z.uuid(),
        created_at: z.iso.datetime(),
        currency: z.string(),
        monthly_total: money,
      })
      .nullable()
      .describe(
        'What the environment costs per month, by its latest run that included a cost agent (its by_workload and by_team: GET /agents/runs/{run_id}); null before one',
      ),
  }),
);
export type EnvironmentView = z.infer<typeof EnvironmentView>;

export const EnvironmentList = contract(
  'EnvironmentList',
  z.strictObject({ environments: z.array(EnvironmentView) }),
);
