import { type AgentFailure, type Finding, SEVERITIES, type Severity, type Skipped } from '../agents/index.ts';
import type { RunCost } from './cost.ts';

export type RunStatus = 'succeeded' | 'partial' | 'failed';

/** Findings of a run, counted by severity. */
export type SeverityCounts = Record<Severity, number>;

/** One agent run as it is stored and answered (DESIGN.md "Agents, chat and MCP"). */
export interface AgentRun {
  runId: string;
  environment: string;
  /** Every agent selected, failed ones included. */
  agents: string[];
  status: RunStatus;
  findings: Finding[];
  summary: SeverityCounts;
  skipped: Skipped[];
  /** The agents that failed, and why: their findings do not count and their units were refunded. */
  failures: AgentFailure[];
  /** What the environment costs per month, when the run included a cost agent. */
  cost: RunCost | null;
  durationMs: number;
  createdAt: Date;
  /** The audit trail's name for who asked: a user id, or `apikey:<id>`. */
  requestedBy: string;
}

/** A finding's state across runs in one environment. */
export interface TrackedFinding extends Finding {
  environment: string;
  status: 'open' | 'resolved';
  firstSeen: Date;
  lastSeen: Date;
  resolvedAt: Date | null;
}

export function noFindings(): SeverityCounts {
  return Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as SeverityCounts;
}

export function countBySeverity(findings: readonly Pick<Finding, 'severity'>[]): SeverityCounts {
  const counts = noFindings();
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** succeeded: no agent failed (none selected included); failed: every one did; partial: some did. */
export function statusOf(agents: readonly string[], failures: readonly AgentFailure[]): RunStatus {
  if (failures.length === 0) return 'succeeded';
  return failures.length >= agents.length ? 'failed' : 'partial';
}

/** 0 for critical … 4 for info: the order findings are listed in. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
