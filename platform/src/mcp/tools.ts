import { z } from 'zod';
import { runView } from '../agent-runs/views.ts';
import { agentRunFact, agentRunRefusedFact } from '../audit/recorders/agents.ts';
import type { Fact } from '../audit/recorders/recorder.ts';
import {
  AgentList,
  AgentRunCreated,
  EnvironmentList,
  FindingList,
  FindingQuery,
  RunAgents,
} from '../contract/agents.ts';
import {
  StartWorkflow,
  WorkflowList,
  WorkflowQuery,
  WorkflowStarted,
  WorkflowView,
} from '../contract/workflows.ts';
import type { Permission } from '../rbac.ts';
import type { AgentService } from '../services/AgentService.ts';
import { type Actor, currentOrg } from '../services/actor.ts';
import type { WorkflowService } from '../services/WorkflowService.ts';

/** The services the tools call: the API's own, so permissions, quotas and rules are theirs. */
export interface ToolServices {
  agents: Pick<AgentService, 'list' | 'run' | 'findings' | 'environments'>;
  workflows: Pick<WorkflowService, 'start' | 'get' | 'list'>;
}

type Shape = z.ZodObject;

/**
 * One MCP tool: the permission its API route needs, the API's request schema as its input and the
 * route's response schema as its structured output. There is no approval tool: gates are decided by
 * people (console, API, kubectl), never by a model acting through a token.
 */
export interface Tool<I extends Shape = Shape, O extends Shape = Shape> {
  name: string;
  title: string;
  description: string;
  permission: Permission;
  /** The API operation it stands for (`method /path`): its permission and schemas are the tool's. */
  route: string;
  /** Only reads (MCP's readOnlyHint); the others start work and spend quota. */
  readOnly: boolean;
  input: I;
  output: O;
  call(services: ToolServices, actor: Actor, args: z.output<I>): Promise<z.input<O>>;
  /** The audit events the API's route records for the same call (done, or refused with 403). */
  audit?: { done(result: z.output<O>): Fact; refused(args: z.output<I>): Fact };
}

const tool = <I extends Shape, O extends Shape>(definition: Tool<I, O>) => definition as unknown as Tool;

const NONE = z.strictObject({});
const WorkflowId = z.strictObject({
  workflow_id: z.string().min(1).max(253).describe('The run’s id (start_workflow’s workflow_id)'),
});

export const TOOLS: readonly Tool[] = [
  tool({
    name: 'list_agents',
    route: 'get /agents',
    title: 'List agents',
    description:
      'The agents (deterministic analyzers), their checks and severities, and whether you may run each (your teams’ agent categories).',
    permission: 'agents:read',
    readOnly: true,
    input: NONE,
    output: AgentList,
    call: async ({ agents }, actor) => ({ agents: agents.list(actor) }),
  }),
  tool({
    name: 'run_agents',
    route: 'post /agents/runs',
    title: 'Run agents',
    description:
      'Runs agents over one environment of your organization and returns the findings. Each agent is one unit of the plan’s agent executions. Without agents and categories: every agent you may run.',
    permission: 'agents:run',
    readOnly: false,
    input: RunAgents,
    output: AgentRunCreated,
    call: async ({ agents }, actor, args) => {
      const { run, quotaRemaining } = await agents.run(actor, args);
      return {
        ...runView(run),
        tenant_context: { org_id: currentOrg(actor), user_id: actor.userId, quota_remaining: quotaRemaining },
      };
    },
    audit: { done: agentRunFact, refused: agentRunRefusedFact },
  }),
  tool({
    name: 'list_findings',
    route: 'get /findings',
    title: 'List findings',
    description:
      'Findings across agent runs, most severe first: open while runs of their agent report them, resolved once a later run no longer does. Filter by environment, severity, agent and status; page with cursor.',
    permission: 'agents:read',
    readOnly: true,
    input: FindingQuery,
    output: FindingList,
    call: ({ agents }, actor, args) => agents.findings(actor, args),
  }),
  tool({
    name: 'list_environments',
    route: 'get /environments',
    title: 'List environments',
    description:
      'Your organization’s environments: their namespace, workloads ready, open findings by severity and monthly cost.',
    permission: 'agents:read',
    readOnly: true,
    input: NONE,
    output: EnvironmentList,
    call: async ({ agents }, actor) => ({ environments: await agents.environments(actor) }),
  }),
  tool({
    name: 'start_workflow',
    route: 'post /workflows/start',
    title: 'Start a workflow',
    description:
      'Starts a workflow run (cost_optimization_pipeline, security_hardening_pipeline, ml_model_lifecycle, deployment_health_check, or one of your organization’s templates). Changes wait at approval gates that people decide; this server cannot approve. One unit of the plan’s workflow runs.',
    permission: 'workflows:create',
    readOnly: false,
    input: StartWorkflow,
    output: WorkflowStarted,
    call: async ({ workflows }, actor, args) => {
      const { run, quotaRemaining } = await workflows.start(actor, args);
      return {
        workflow_id: run.metadata?.name ?? '',
        phase: run.status?.phase ?? 'Pending',
        tenant_context: {
          org_id: currentOrg(actor),
          user_id: actor.userId,
          workflow_quota_remaining: quotaRemaining,
        },
      };
    },
  }),
  tool({
    name: 'get_workflow',
    route: 'get /workflows/{workflow_id}',
    title: 'Get a workflow run',
    description: 'One workflow run of your organization: its phase and steps, with each gate’s policy.',
    permission: 'workflows:read',
    readOnly: true,
    input: WorkflowId,
    output: WorkflowView,
    call: ({ workflows }, actor, args) => workflows.get(actor, args.workflow_id),
  }),
  tool({
    name: 'list_workflows',
    route: 'get /workflows',
    title: 'List workflow runs',
    description: 'Your organization’s workflow runs, newest first; filter by phase and template.',
    permission: 'workflows:read',
    readOnly: true,
    input: WorkflowQuery,
    output: WorkflowList,
    call: async ({ workflows }, actor, args) => ({ workflows: await workflows.list(actor, args) }),
  }),
];
