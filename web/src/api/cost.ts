import { queryOptions } from '@tanstack/react-query';
import { call } from './client.ts';
import type { components } from './generated/schema.ts';
import { api } from './session.ts';

export type RunCost = components['schemas']['AgentRunCost'];

const inOrg = (org: string) => ({ 'x-org-id': org });

/** One agent run: its cost by workload and by team when it included a cost agent. */
export const agentRunQuery = (org: string, runId: string) =>
  queryOptions({
    queryKey: ['agent-run', org, runId],
    queryFn: () =>
      call(api.GET('/agents/runs/{run_id}', { params: { path: { run_id: runId } }, headers: inOrg(org) })),
    staleTime: Number.POSITIVE_INFINITY,
  });

/** Runs the cost agents the caller may run on `environment`. */
export const runCostAgents = (org: string, environment: string) =>
  call(api.POST('/agents/runs', { body: { environment, categories: ['cost'] }, headers: inOrg(org) }));
