import type { AgentRunView, EnvironmentView, FindingView } from '../contract/agents.ts';
import type { LatestCost } from './cost.ts';
import type { AgentRun, TrackedFinding } from './run.ts';

type RunFields = Omit<AgentRunView, 'findings'>;

/** A run as the API answers it (without its findings, which the caller adds where they belong). */
export function runFields(run: Omit<AgentRun, 'findings'>): RunFields {
  return {
    run_id: run.runId,
    environment: run.environment,
    agents: run.agents,
    status: run.status,
    summary: run.summary,
    skipped: run.skipped,
    failures: run.failures.map(({ agent, error }) => ({ agent, reason: error })),
    ...(run.cost ? { cost: run.cost } : {}),
    duration_ms: run.durationMs,
    created_at: run.createdAt.toISOString(),
    requested_by: run.requestedBy,
  };
}

export function runView(run: AgentRun): AgentRunView {
  return { ...runFields(run), findings: run.findings.map(findingView) };
}

export function findingView(finding: FindingView): FindingView {
  const { id, check, agent, category, severity, resource, message, remediation, evidence } = finding;
  return { id, check, agent, category, severity, resource, message, remediation, evidence };
}

export function trackedView(finding: TrackedFinding) {
  return {
    ...findingView(finding),
    environment: finding.environment,
    status: finding.status,
    first_seen: finding.firstSeen.toISOString(),
    last_seen: finding.lastSeen.toISOString(),
    resolved_at: finding.resolvedAt?.toISOString() ?? null,
  };
}

/** An environment's latest cost, as GET /environments answers it. */
export function costView(latest: LatestCost | undefined): EnvironmentView['cost'] {
  if (!latest) return null;
  const { currency, monthly_total } = latest.cost;
  return { run_id: latest.runId, created_at: latest.createdAt.toISOString(), currency, monthly_total };
}
