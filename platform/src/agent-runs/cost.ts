import type { CostSummary } from '../agents/index.ts';

/**
 * What a run that included a cost agent says the environment costs per month: as the API answers
 * it and the tenant database stores it (agent_runs.cost), so that analytics chart stored runs as
 * they are.
 */
export interface RunCost {
  currency: string;
  monthly_total: number;
  by_workload: { kind: string; name: string; monthly: number }[];
  by_team: { team: string; monthly: number }[];
  /** One run reads one environment: its total. Across environments: GET /environments. */
  by_environment: { environment: string; monthly: number }[];
}

/** The cost of an environment's latest run that included a cost agent. */
export interface LatestCost {
  runId: string;
  createdAt: Date;
  cost: RunCost;
}

export function runCost(summary: CostSummary, environment: string): RunCost {
  return {
    currency: summary.currency,
    monthly_total: summary.monthlyTotal,
    by_workload: summary.byWorkload,
    by_team: summary.byTeam,
    by_environment: [{ environment, monthly: summary.monthlyTotal }],
  };
}
