import { byCaller, type Fact, type Recorders, refusal, requestBody, responseBody } from './recorder.ts';

/** The event of an agent run, from the run as POST /agents/runs answers it (MCP's run_agents too). */
export function agentRunFact(run: Record<string, unknown>): Fact {
  const failures = Array.isArray(run.failures) ? (run.failures as Array<{ agent?: unknown }>) : [];
  return {
    action: 'agent.run',
    target: String(run.run_id ?? ''),
    detail: {
      environment: run.environment,
      agents: run.agents,
      status: run.status,
      findings: run.summary,
      failed: failures.map((failure) => failure.agent),
    },
  };
}

/** The event of an agent run refused, from what was asked (a RunAgents body). */
export function agentRunRefusedFact(request: Record<string, unknown>): Fact {
  const { environment, agents, categories } = request;
  return {
    action: 'agent.run.refused',
    target: '',
    detail: { environment, agents: agents ?? null, categories: categories ?? null },
  };
}

/** Agent runs: who ran which agents on which environment, and what they found; refusals (403) too. */
export function agentRecorders(): Recorders {
  return {
    'POST /agents/runs': (ctx, failed) =>
      failed
        ? refusal(ctx, failed, agentRunRefusedFact(requestBody(ctx)))
        : byCaller(ctx, agentRunFact(responseBody(ctx))),
  };
}
