import {
  type Actor,
  type AgentRun,
  AgentService,
  agentUser,
  QuotaExceededError,
} from '@guardian/platform/agents';
import { REASONS, type Step, uuidFrom } from '@guardian/platform/workflows';
import type { RunContext, StepExecutor, StepOutcome } from './workflowrun.steps.ts';

export { agentUser };

/** An agents step's run as status records it: its id, status and findings by severity. */
function outcomeOf(run: AgentRun): StepOutcome {
  const counts = Object.values(run.summary).reduce((sum, n) => sum + n, 0);
  const result = {
    agentRun: {
      id: run.runId,
      status: run.status,
      agents: run.agents.length,
      failures: run.failures.length,
      findings: run.summary,
    },
  };
  if (run.status === 'failed' && run.agents.length > 0) {
    return {
      phase: 'Failed',
      reason: REASONS.agentsFailed,
      message: `Every agent failed (their units were refunded): ${run.failures[0]?.error ?? 'unknown'}`,
      result,
    };
  }
  const failed = run.failures.length > 0 ? `, ${run.failures.length} failed (refunded)` : '';
  return {
    phase: 'Succeeded',
    message: `${run.agents.length} agents ran${failed}: ${counts} findings (agent run ${run.runId})`,
    result,
  };
}

/**
 * The workflow acts for the organization, with the agents its template names (the requester's
 * right to start the template was checked where the run was created); its agent runs say
 * `workflow:<run>` as their requester, so a run of the API and one of a workflow are told apart.
 */
function workflowActor(run: RunContext): Actor {
  return {
    userId: `workflow:${run.run.metadata?.name}`,
    superAdmin: false,
    orgId: run.orgId,
    // Every category: a template's agents are the template's choice, not the requester's teams'.
    role: 'org_owner',
    orgs: { [run.orgId]: 'org_owner' },
    teamIds: [],
    teams: {},
  };
}

/**
 * A run of the template's agents (by category, by id) over the environment, through the same run path as
 * POST /agents/runs (@guardian/platform/agents): each agent one unit of agentExecutionsPerMonth
 * keyed `<run_id>:<agent>`, all taken before any work, the namespace read as the organization's
 * agent, the run stored in its tenant database. Its run_id derives from the step's key: a
 * repeated step finds the run it stored, or takes the same units again (a no-op) and stores it.
 * Findings are the result; only a run of which every agent failed fails the step.
 */
export const agentsStep: StepExecutor<Extract<Step, { type: 'agents' }>> = async (run, step, deps) => {
  const runId = uuidFrom(step.status.idempotencyKey);
  const stored = await deps.agentRuns.get(run.orgId, runId);
  if (stored) return outcomeOf(stored);
  if (run.run.spec.cancelRequested) {
    return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled before its agents ran' };
  }
  const service = new AgentService({
    directory: deps.organizations,
    teams: { get: () => undefined },
    kube: deps.client,
    // Nodes and StorageClasses are the platform's to read (DESIGN.md); checks needing them are skipped.
    clusterScopedReads: false,
    store: deps.agentRuns,
    metering: deps.metering,
    clock: deps.clock,
    log: deps.log,
    ...(deps.agents ? { agents: deps.agents } : {}),
    ...(deps.webhooks ? { webhooks: deps.webhooks } : {}),
    newRunId: () => runId,
  });
  try {
    const { run: agentRun } = await service.run(workflowActor(run), {
      environment: run.run.spec.environment,
      ...(step.definition.categories ? { categories: step.definition.categories } : {}),
      ...(step.definition.agents ? { agents: step.definition.agents } : {}),
    });
    return outcomeOf(agentRun);
  } catch (error) {
    if (error instanceof QuotaExceededError) {
      return { phase: 'Failed', reason: REASONS.agentQuotaExceeded, message: error.detail };
    }
    throw error;
  }
};
