import { queryOptions } from '@tanstack/react-query';
import { call } from './client.ts';
import type { components } from './generated/schema.ts';
import { api } from './session.ts';

export type Workflow = components['schemas']['Workflow'];
export type WorkflowStep = Workflow['steps'][number];
export type WorkflowTemplate = components['schemas']['WorkflowTemplate'];
export type Gate = components['schemas']['WorkflowGate'];
export type GateStanding = components['schemas']['WorkflowGateStanding'];
export type StartWorkflow = components['schemas']['StartWorkflow'];
export type Decision = 'approve' | 'reject';

const inOrg = (org: string) => ({ 'x-org-id': org });
const run = (id: string) => ({ path: { workflow_id: id } });

/** How often a page asks again while a run is in progress (the operator drives it meanwhile). */
export const IN_PROGRESS_POLL_MS = 2000;
const ended = new Set<Workflow['phase']>(['Succeeded', 'Failed', 'Rejected', 'Cancelled']);
export const hasEnded = (workflow: Workflow | undefined) =>
  workflow !== undefined && ended.has(workflow.phase);

export const templatesQuery = (org: string) =>
  queryOptions({
    queryKey: ['workflow-templates', org],
    queryFn: () => call(api.GET('/workflows/templates', { headers: inOrg(org) })),
    staleTime: 60_000,
  });

export const workflowsQuery = (org: string) =>
  queryOptions({
    queryKey: ['workflows', org],
    queryFn: () => call(api.GET('/workflows', { headers: inOrg(org) })),
  });

export const workflowQuery = (org: string, id: string) =>
  queryOptions({
    queryKey: ['workflow', org, id],
    queryFn: () => call(api.GET('/workflows/{workflow_id}', { params: run(id), headers: inOrg(org) })),
    refetchInterval: (query) => (hasEnded(query.state.data) ? false : IN_PROGRESS_POLL_MS),
  });

/**
 * The gate awaiting a decision and the platform's verdict on the caller's deciding it, asked again
 * whenever `seen` (the run's state as last read) changes.
 */
export const standingQuery = (org: string, id: string, seen = '') =>
  queryOptions({
    queryKey: ['workflow-approval', org, id, seen],
    queryFn: () =>
      call(api.GET('/workflows/{workflow_id}/approval', { params: run(id), headers: inOrg(org) })),
  });

export const approvalsQuery = (org: string) =>
  queryOptions({
    queryKey: ['approvals', org],
    queryFn: () => call(api.GET('/approvals', { headers: inOrg(org) })),
    refetchInterval: IN_PROGRESS_POLL_MS * 5,
  });

export const startWorkflow = (org: string, body: StartWorkflow) =>
  call(api.POST('/workflows/start', { body, headers: inOrg(org) }));

export function decide(org: string, id: string, decision: Decision, comment: string) {
  const request = { params: run(id), headers: inOrg(org), body: comment ? { comment } : {} };
  return call(
    decision === 'approve'
      ? api.POST('/workflows/{workflow_id}/approve', request)
      : api.POST('/workflows/{workflow_id}/reject', request),
  );
}

export const cancelWorkflow = (org: string, id: string) =>
  call(api.POST('/workflows/{workflow_id}/cancel', { params: run(id), headers: inOrg(org) }));

export const revertWorkflow = (org: string, id: string) =>
  call(api.POST('/workflows/{workflow_id}/revert', { params: run(id), headers: inOrg(org) }));
