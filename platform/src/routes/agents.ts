import { runView } from '../agent-runs/views.ts';
import {
  AgentList,
  AgentRunCreated,
  AgentRunList,
  AgentRunQuery,
  AgentRunView,
  EnvironmentList,
  FindingList,
  FindingQuery,
  RunAgents,
} from '../contract/agents.ts';
import { type Api, problem } from '../http/operation.ts';
import type { AgentService } from '../services/AgentService.ts';
import { currentOrg } from '../services/actor.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Not allowed in this organization, it is suspended, or none is selected'),
  429: problem('Over the hourly API limit'),
  503: problem('The organization’s database cannot be reached'),
};

export function agentRoutes(api: Api, service: AgentService): void {
  const base = { tag: 'agents', auth: 'any' as const };

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/agents',
      summary: 'The agents, their checks, and whether the caller may run each',
      description:
        'allowed follows the caller’s Teams: the union of their agent categories. Users in no team, ' +
        'owners, admins, super admins and API keys may run every category.',
      permission: 'agents:read',
      responses: { 200: { description: 'The agents', schema: AgentList }, ...refusals },
    },
    (ctx, { actor }) => {
      ctx.body = AgentList.parse({ agents: service.list(actor) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/agents/runs',
      summary: 'Run agents over one environment',
      description:
        'Each agent is one unit of the plan’s agent executions, all taken before any work or none. ' +
        'The namespace is read as the organization’s agent ServiceAccount. An agent that fails is ' +
        'named in failures (status partial, or failed when all did) and its unit is refunded; a ' +
        'namespace deleted before or during the run fails every agent that way.',
      permission: 'agents:run',
      body: RunAgents,
      responses: {
        201: {
          description: 'The run, with its findings',
          schema: AgentRunCreated,
          identifies: { path: '/agents/runs/{run_id}', parameter: 'run_id', field: 'run_id' },
        },
        400: problem(
          'Invalid input: unknown agents or categories, an environment the organization does not have',
        ),
        ...refusals,
        403: problem('Not allowed: the role, the teams’ agent categories, or the organization is suspended'),
        409: problem('The environment is not provisioned yet'),
        429: problem(
          'The plan’s agent executions for this billing period cannot cover the run (quota), or the hourly API limit',
        ),
      },
    },
    async (ctx, { body, actor }) => {
      const { run, quotaRemaining } = await service.run(actor, body);
      ctx.status = 201;
      ctx.set('location', `/agents/runs/${run.runId}`);
      ctx.body = AgentRunCreated.parse({
        ...runView(run),
        tenant_context: { org_id: currentOrg(actor), user_id: actor.userId, quota_remaining: quotaRemaining },
      });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/agents/runs',
      summary: 'The organization’s agent runs, newest first',
      permission: 'agents:read',
      query: AgentRunQuery,
      responses: {
        200: { description: 'Runs, without their findings', schema: AgentRunList },
        400: problem('Invalid query'),
        ...refusals,
      },
    },
    async (ctx, { query, actor }) => {
      ctx.body = AgentRunList.parse(await service.runs(actor, query));
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/agents/runs/{run_id}',
      summary: 'One agent run, as POST /agents/runs answered it',
      permission: 'agents:read',
      responses: {
        200: { description: 'The run', schema: AgentRunView },
        ...refusals,
        404: problem('No such run in the current organization'),
      },
    },
    async (ctx, { params, actor }) => {
      ctx.body = AgentRunView.parse(await service.get(actor, params.run_id ?? ''));
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/findings',
      summary: 'Findings and their state across runs, most severe first',
      description:
        'A finding is open while runs of its agent report it (first_seen stays, last_seen moves) and ' +
        'resolved once a later run of that agent no longer does; a run that skipped its check, or in ' +
        'which its agent failed, resolves nothing.',
      permission: 'agents:read',
      query: FindingQuery,
      responses: {
        200: { description: 'Findings', schema: FindingList },
        400: problem('Invalid query'),
        ...refusals,
      },
    },
    async (ctx, { query, actor }) => {
      ctx.body = FindingList.parse(await service.findings(actor, query));
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/environments',
      summary: 'The organization’s environments: namespace, workloads ready, open findings',
      permission: 'agents:read',
      responses: { 200: { description: 'Environments', schema: EnvironmentList }, ...refusals },
    },
    async (ctx, { actor }) => {
      ctx.body = EnvironmentList.parse({ environments: await service.environments(actor) });
    },
  );
}
