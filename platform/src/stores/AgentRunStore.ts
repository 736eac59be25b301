import type { LatestCost, RunCost } from '../agent-runs/cost.ts';
import {
  type AgentRun,
  noFindings,
  type RunStatus,
  type SeverityCounts,
  severityRank,
  type TrackedFinding,
} from '../agent-runs/run.ts';
import type { AgentFailure, Finding, Severity, Skipped } from '../agents/index.ts';
import type { TenantDatabases } from '../tenant-db/databases.ts';

/** A run without its findings: what a list of runs holds. */
export type RunSummary = Omit<AgentRun, 'findings'>;

/** Where a page of runs ends (newest first): the next page starts after it. */
export interface RunPosition {
  createdAt: Date;
  runId: string;
}

/** Where a page of findings ends (most severe first). */
export interface FindingPosition {
  rank: number;
  environment: string;
  findingId: string;
}

export interface FindingFilter {
  environment?: string;
  severity?: Severity;
  agent?: string;
  status?: 'open' | 'resolved';
}

interface RunRow {
  run_id: string;
  environment: string;
  agents: string[];
  status: RunStatus;
  summary: SeverityCounts;
  skipped: Skipped[];
  failures: AgentFailure[];
  cost: RunCost | null;
  duration_ms: number;
  created_at: Date;
  requested_by: string;
}

interface FindingRow {
  environment: string;
  finding_id: string;
  severity_rank: number;
  status: 'open' | 'resolved';
  first_seen: Date;
  last_seen: Date;
  resolved_at: Date | null;
  finding: Finding;
}

const RUN_COLUMNS = [
  'run_id',
  'environment',
  'agents',
  'status',
  'summary',
  'skipped',
  'failures',
  'cost',
  'duration_ms',
  'created_at',
  'requested_by',
];

const toRun = (row: RunRow): RunSummary => ({
  runId: row.run_id,
  environment: row.environment,
  agents: row.agents,
  status: row.status,
  summary: row.summary,
  skipped: row.skipped,
  failures: row.failures,
  cost: row.cost,
  durationMs: row.duration_ms,
  createdAt: row.created_at,
  requestedBy: row.requested_by,
});

const toTracked = (row: FindingRow): TrackedFinding => ({
  ...row.finding,
  environment: row.environment,
  status: row.status,
  firstSeen: row.first_seen,
  lastSeen: row.last_seen,
  resolvedAt: row.resolved_at,
});

/**
 * Agent runs and findings, in each organization's own tenant database (reached through
 * TenantDatabases). Every method takes the organization; the database is the tenant boundary.
 */
/** A finding a run opened (new, or reported again after it was resolved), with when. */
export interface OpenedFinding {
  finding: AgentRun['findings'][number];
  firstSeen: Date;
}

export class AgentRunStore {
  private readonly databases: TenantDatabases;

  constructor(databases: TenantDatabases) {
    this.databases = databases;
  }

  /** Connects (and brings the schema up to date): a run checks this before it takes any unit. */
  async ready(orgId: string): Promise<void> {
    await this.databases.connect(orgId);
  }

  /**
   * Stores a run, its findings and the findings' new state, in one transaction. A finding the run
   * reports is open (first_seen kept while it stays open, last_seen moved); an open finding of an
   * agent that ran and did not fail, of a check it did not skip, that the run no longer reports is
   * resolved. Runs of one environment are stored one at a time (a transaction lock), and a run
   * never undoes what a newer one already stored.
   */
  async save(orgId: string, run: AgentRun): Promise<OpenedFinding[]> {
    const db = await this.databases.connect(orgId);
    return db.transaction(async (trx) => {
      await trx.raw("SELECT pg_advisory_xact_lock(hashtext('agent_runs:' || ?))", [run.environment]);
      await trx('agent_runs').insert({
        run_id: run.runId,
        environment: run.environment,
        agents: JSON.stringify(run.agents),
        status: run.status,
        summary: JSON.stringify(run.summary),
        skipped: JSON.stringify(run.skipped),
        failures: JSON.stringify(run.failures),
        cost: run.cost === null ? null : JSON.stringify(run.cost),
        duration_ms: run.durationMs,
        created_at: run.createdAt,
        requested_by: run.requestedBy,
      });
      const reported = run.findings.map((finding) => ({
        id: finding.id,
        agent: finding.agent,
        check_id: finding.check,
        severity: finding.severity,
        severity_rank: severityRank(finding.severity),
        finding,
      }));
      await trx.raw(
        `INSERT INTO agent_run_findings (run_id, finding_id, severity_rank, finding)
         SELECT ?, f.id, f.severity_rank, f.finding
         FROM jsonb_to_recordset(?::jsonb) AS f(id text, severity_rank smallint, finding jsonb)`,
        [run.runId, JSON.stringify(reported)],
      );
      const upserted: { rows: Array<{ finding_id: string; first_seen: Date }> } = await trx.raw(
        `INSERT INTO findings AS current (environment, finding_id, agent, check_id, severity, severity_rank,
           status, first_seen, last_seen, resolved_at, last_run_id, finding)
         SELECT ?, f.id, f.agent, f.check_id, f.severity, f.severity_rank, 'open', ?, ?, NULL, ?, f.finding
         FROM jsonb_to_recordset(?::jsonb)
           AS f(id text, agent text, check_id text, severity text, severity_rank smallint, finding jsonb)
         ON CONFLICT (environment, finding_id) DO UPDATE SET
           agent = excluded.agent, check_id = excluded.check_id, severity = excluded.severity,
           severity_rank = excluded.severity_rank, finding = excluded.finding,
           last_run_id = excluded.last_run_id, last_seen = excluded.last_seen,
           first_seen = CASE WHEN current.status = 'resolved' THEN excluded.first_seen ELSE current.first_seen END,
           status = 'open', resolved_at = NULL
         WHERE current.last_seen <= excluded.last_seen
           AND (current.resolved_at IS NULL OR current.resolved_at <= excluded.last_seen)
         RETURNING finding_id, first_seen`,
        [run.environment, run.createdAt, run.createdAt, run.runId, JSON.stringify(reported)],
      );
      const failed = new Set(run.failures.map((failure) => failure.agent));
      await trx.raw(
        `UPDATE findings SET status = 'resolved', resolved_at = ?
         WHERE environment = ? AND status = 'open' AND last_seen <= ?
           AND agent = ANY(?::text[]) AND NOT (check_id = ANY(?::text[])) AND NOT (finding_id = ANY(?::text[]))`,
        [
          run.createdAt,
          run.environment,
          run.createdAt,
          run.agents.filter((agent) => !failed.has(agent)),
          run.skipped.map((skip) => skip.check),
          reported.map((finding) => finding.id),
        ],
      );
      // Opened by this run: new, or reopened (first_seen moves only then).
      const opened = new Set(
        upserted.rows
          .filter((row) => row.first_seen.getTime() === run.createdAt.getTime())
          .map((row) => row.finding_id),
      );
      return run.findings
        .filter((finding) => opened.has(finding.id))
        .map((finding) => ({ finding, firstSeen: run.createdAt }));
    });
  }

  /** One run with its findings (most severe first), or undefined. */
  async get(orgId: string, runId: string): Promise<AgentRun | undefined> {
    const db = await this.databases.connect(orgId);
    const row = (await db('agent_runs').where({ run_id: runId }).first(RUN_COLUMNS)) as RunRow | undefined;
    if (!row) return undefined;
    const findings = (await db('agent_run_findings')
      .where({ run_id: runId })
      .orderBy([{ column: 'severity_rank' }, { column: 'finding_id' }])
      .select('finding')) as Array<{ finding: Finding }>;
    return { ...toRun(row), findings: findings.map((f) => f.finding) };
  }

  /** Runs newest first, `limit` of them after `after`, in one environment or all. */
  async list(
    orgId: string,
    query: { environment?: string; limit: number; after?: RunPosition },
  ): Promise<{ runs: RunSummary[]; more: boolean }> {
    const db = await this.databases.connect(orgId);
    const rows = (await db('agent_runs')
      .modify((q) => {
        if (query.environment !== undefined) q.where({ environment: query.environment });
        if (query.after)
          q.whereRaw('(created_at, run_id) < (?, ?)', [query.after.createdAt, query.after.runId]);
      })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'run_id', order: 'desc' },
      ])
      .limit(query.limit + 1)
      .select(RUN_COLUMNS)) as RunRow[];
    return { runs: rows.slice(0, query.limit).map(toRun), more: rows.length > query.limit };
  }

  /** Findings' current state, most severe first, `limit` of them after `after`. */
  async findings(
    orgId: string,
    filter: FindingFilter,
    page: { limit: number; after?: FindingPosition },
  ): Promise<{ findings: TrackedFinding[]; more: boolean; last?: FindingPosition }> {
    const db = await this.databases.connect(orgId);
    const rows = (await db('findings')
      .modify((q) => {
        if (filter.environment !== undefined) q.where({ environment: filter.environment });
        if (filter.severity !== undefined) q.where({ severity: filter.severity });
        if (filter.agent !== undefined) q.where({ agent: filter.agent });
        if (filter.status !== undefined) q.where({ status: filter.status });
        const after = page.after;
        if (after) {
          q.whereRaw('(severity_rank, environment, finding_id) > (?, ?, ?)', [
            after.rank,
            after.environment,
            after.findingId,
          ]);
        }
      })
      .orderBy([{ column: 'severity_rank' }, { column: 'environment' }, { column: 'finding_id' }])
      .limit(page.limit + 1)
      .select(
        'environment',
        'finding_id',
        'severity_rank',
        'status',
        'first_seen',
        'last_seen',
        'resolved_at',
        'finding',
      )) as FindingRow[];
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      findings: shown.map(toTracked),
      more: rows.length > page.limit,
      ...(last
        ? { last: { rank: last.severity_rank, environment: last.environment, findingId: last.finding_id } }
        : {}),
    };
  }

  /** Open findings by severity, per environment (environments without any are absent). */
  async openBySeverity(orgId: string): Promise<Map<string, SeverityCounts>> {
    const db = await this.databases.connect(orgId);
    const rows = (await db('findings')
      .where({ status: 'open' })
      .groupBy('environment', 'severity')
      .select('environment', 'severity', db.raw('count(*)::integer AS n'))) as Array<{
      environment: string;
      severity: Severity;
      n: number;
    }>;
    const counts = new Map<string, SeverityCounts>();
    for (const row of rows) {
      const environment = counts.get(row.environment) ?? noFindings();
      environment[row.severity] = row.n;
      counts.set(row.environment, environment);
    }
    return counts;
  }

  /** Each environment's latest run that included a cost agent: what the environment costs now. */
  async latestCosts(orgId: string): Promise<Map<string, LatestCost>> {
    const db = await this.databases.connect(orgId);
    const { rows } = await db.raw<{
      rows: Array<{ environment: string; run_id: string; created_at: Date; cost: RunCost }>;
    }>(
      `SELECT DISTINCT ON (environment) environment, run_id, created_at, cost
       FROM agent_runs WHERE cost IS NOT NULL
       ORDER BY environment, created_at DESC, run_id DESC`,
    );
    return new Map(
      rows.map((row) => [row.environment, { runId: row.run_id, createdAt: row.created_at, cost: row.cost }]),
    );
  }
}
