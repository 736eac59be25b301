import { byCaller, type Recorders, refusal, requestBody, responseBody } from './recorder.ts';

/** Agent runs: who ran which agents on which environment, and what they found; refusals (403) too. */
export function agentRecorders(): Recorders {
  return {
    'POST /agents/runs': (ctx, failed) => {
      if (failed) {
        const { environment, agents, categories } = requestBody(ctx);
        const detail = { environment, agents: agents ?? null, categories: categories ?? null };
        return refusal(ctx, failed, { action: 'agent.run.refused', target: '', detail });
      }
      const run = responseBody(ctx);
      const failures = Array.isArray(run.failures) ? (run.failures as Array<{ agent?: unknown }>) : [];
      return byCaller(ctx, {
        action: 'agent.run',
        target: String(run.run_id ?? ''),
        detail: {
          environment: run.environment,
          agents: run.agents,
          status: run.status,
          findings: run.summary,
          failed: failures.map((failure) => failure.agent),
        },
      });
    },
  };
}
