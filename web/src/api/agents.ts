import { queryOptions } from '@tanstack/react-query';
import { call } from './client.ts';
import type { components } from './generated/schema.ts';
import { api } from './session.ts';

export type Agent = components['schemas']['Agent'];
export type AgentRun = components['schemas']['AgentRunCreated'];
export type Finding = components['schemas']['Finding'];
export type TrackedFinding = components['schemas']['TrackedFinding'];
export type Severity = Finding['severity'];
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The findings page's filters: each one the API's own query parameter. */
export interface FindingFilters {
  environment?: string;
  severity?: Severity;
  agent?: string;
  status?: 'open' | 'resolved';
}

const inOrg = (org: string) => ({ 'x-org-id': org });

export const agentsQuery = (org: string) =>
  queryOptions({
    queryKey: ['agents', org],
    queryFn: () => call(api.GET('/agents', { headers: inOrg(org) })),
    staleTime: 60_000,
  });

export const environmentsQuery = (org: string) =>
  queryOptions({
    queryKey: ['environments', org],
    queryFn: () => call(api.GET('/environments', { headers: inOrg(org) })),
  });

export const findingsQuery = (org: string, filters: FindingFilters) =>
  queryOptions({
    queryKey: ['findings', org, filters],
    queryFn: () => call(api.GET('/findings', { params: { query: filters }, headers: inOrg(org) })),
  });

/** Runs `agents` on `environment` now; the answer is the run with its findings. */
export const runAgents = (org: string, environment: string, agents: string[]) =>
  call(api.POST('/agents/runs', { body: { environment, agents }, headers: inOrg(org) }));
