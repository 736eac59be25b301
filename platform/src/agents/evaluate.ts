import { addFinding, findingId } from './findings.ts';
import type { ClusterKind, Stored } from './kinds.ts';
import { type AgentSettings, defaultAgentSettings } from './settings.ts';
import type { Snapshot } from './snapshot.ts';
import type {
  Agent,
  Check,
  CheckResult,
  ClusterRead,
  Evidence,
  Finding,
  NamespaceSubject,
  RunContext,
  Subjects,
  Target,
} from './types.ts';

export interface Skipped {
  /** `<agent>/<check>` */
  check: string;
  reason: string;
}

/** An agent that threw: none of its findings count, and the caller refunds its unit. */
export interface AgentFailure {
  agent: string;
  error: string;
}

export interface Evaluation {
  /** Deduplicated: one per (check, kind, name). */
  findings: Finding[];
  skipped: Skipped[];
  failed: AgentFailure[];
  /** Per agent id, for agents that summarize (the cost agents' namespace totals). */
  summaries: Record<string, Evidence>;
}

/** Why a check was skipped when the snapshot's reader gave no reason: it did not read the kind. */
const UNREADABLE: Record<ClusterRead, string> = {
  nodes: 'Nodes are not readable: agents.clusterScopedReads is off',
  storageClasses: 'StorageClasses are not readable: agents.clusterScopedReads is off',
};

const CLUSTER_SCOPED: ReadonlySet<string> = new Set<ClusterKind | 'Namespace'>([
  'Node',
  'StorageClass',
  'Namespace',
]);

export interface EvaluateOptions {
  /** The run's clock (ms since the epoch): Events "in the last 60 minutes", PVCs "Pending for 5 minutes". */
  now: number;
  /** Prices, thresholds and allow-lists; the defaults of AGENTS.md §1 when the caller has no overrides. */
  settings?: AgentSettings;
}

/** Runs every check of every agent over one snapshot. Pure: the same input gives the same output. */
export function evaluate(
  agents: readonly Agent[],
  snapshot: Snapshot,
  { now, settings = defaultAgentSettings }: EvaluateOptions,
): Evaluation {
  const run: RunContext = { snapshot, settings, now };
  const findings = new Map<string, Finding>();
  const evaluation: Evaluation = { findings: [], skipped: [], failed: [], summaries: {} };
  // Agents may share a summary (the cost agents' namespace totals): it is computed once per run.
  const summaries = new Map<(run: RunContext) => Evidence, Evidence>();
  const summarize = (agent: Agent): Evidence | undefined => {
    const summarizer = agent.summarize;
    if (!summarizer) return undefined;
    const summary = summaries.get(summarizer) ?? summarizer(run);
    summaries.set(summarizer, summary);
    return summary;
  };
  for (const agent of agents) {
    try {
      const outcome = evaluateAgent(agent, run, summarize);
      for (const finding of outcome.findings) addFinding(findings, finding);
      evaluation.skipped.push(...outcome.skipped);
      if (outcome.summary) evaluation.summaries[agent.id] = outcome.summary;
    } catch (error) {
      evaluation.failed.push({
        agent: agent.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  evaluation.findings = [...findings.values()];
  return evaluation;
}

// All or nothing per agent: it throws before any of its findings reach the run.
function evaluateAgent(agent: Agent, run: RunContext, summarize: (agent: Agent) => Evidence | undefined) {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  for (const check of agent.checks) {
    const unreadable = (check.reads ?? []).find((read) => run.snapshot[read] === undefined);
    if (unreadable) {
      const reason = run.snapshot.unreadable[unreadable] ?? UNREADABLE[unreadable];
      skipped.push({ check: `${agent.id}/${check.id}`, reason });
      continue;
    }
    for (const subject of subjectsOf(check.target, run.snapshot)) {
      const result = detect(check, subject, run);
      if (result)
        findings.push(toFinding(agent, check, result.on ?? objectOf(subject), result, run.snapshot));
    }
  }
  return { findings, skipped, summary: summarize(agent) };
}

// `detect` is declared as a method, so each check accepts the union of subjects here; subjectsOf
// hands each check only subjects of its own target.
function detect(check: Check, subject: Subjects[Target], run: RunContext): CheckResult | undefined {
  const widened: { detect(subject: Subjects[Target], run: RunContext): CheckResult | undefined } = check;
  return widened.detect(subject, run);
}

function subjectsOf(target: Target, snapshot: Snapshot): readonly Subjects[Target][] {
  switch (target) {
    case 'Workload':
      return snapshot.workloads;
    case 'Namespace':
      return [{ kind: 'Namespace', metadata: { name: snapshot.namespace } }];
    case 'Node':
      return snapshot.nodes ?? [];
    case 'StorageClass':
      return snapshot.storageClasses ?? [];
    default:
      return snapshot.list(target);
  }
}

/** What a finding names: an object of the snapshot, or the namespace itself. */
type Reported = Stored | NamespaceSubject;

function objectOf(subject: Subjects[Target]): Reported {
  return 'podSpec' in subject ? subject.object : subject;
}

function toFinding(
  agent: Agent,
  check: Check,
  on: Reported,
  result: CheckResult,
  snapshot: Snapshot,
): Finding {
  const id = `${agent.id}/${check.id}`;
  const resource = {
    kind: on.kind,
    namespace: CLUSTER_SCOPED.has(on.kind) ? null : snapshot.namespace,
    name: on.metadata.name,
  };
  return {
    id: findingId(id, resource),
    check: id,
    agent: agent.id,
    category: agent.category,
    severity: check.severity,
    resource,
    message: result.message,
    remediation: result.remediation,
    evidence: result.evidence,
  };
}
