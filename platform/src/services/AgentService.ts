import { randomUUID } from 'node:crypto';
import type { Team } from '@guardian/crds/generated';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type RunCost, runCost } from '../agent-runs/cost.ts';
import { decodeCursor, encodeCursor } from '../agent-runs/cursor.ts';
import { type AgentRun, countBySeverity, noFindings, statusOf } from '../agent-runs/run.ts';
import { runSettings } from '../agent-runs/settings.ts';
import { agentUser, NamespaceUnreadable, readSnapshot } from '../agent-runs/snapshot-reader.ts';
import { costView, runFields, runView, trackedView } from '../agent-runs/views.ts';
import { workloadReadiness } from '../agent-runs/workloads.ts';
import {
  type Agent,
  type AgentSettings,
  buildSnapshot,
  CATEGORIES,
  type Category,
  type CostSummary,
  catalog,
  costSummary,
  describeCatalog,
  type Evaluation,
  evaluate,
} from '../agents/index.ts';
import type { AgentPrices } from '../config.ts';
import type {
  AgentRunList,
  AgentRunQuery,
  AgentRunView,
  AgentView,
  EnvironmentView,
  FindingList,
  FindingQuery,
  RunAgents,
} from '../contract/agents.ts';
import type { Governance } from '../governance.ts';
import { logError } from '../http/log-error.ts';
import type { AgentRunStore, OpenedFinding } from '../stores/AgentRunStore.ts';
import { TenantDatabaseUnavailable } from '../tenant-db/databases.ts';
import type { WebhookOutbox } from '../webhooks/index.ts';
import { type Actor, auditActor, currentOrg } from './actor.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type QuotaExceededError,
  quotaRefusal,
  UnavailableError,
  ValidationError,
} from './errors.ts';
import { environmentsOf, type OrganizationDirectory } from './OrganizationDirectory.ts';
import type { TeamDirectory } from './TeamDirectory.ts';

/** Roles that may run every category, whatever teams they are in: they manage the organization. */
const EVERY_CATEGORY_ROLES = new Set(['super_admin', 'org_owner', 'org_admin']);

/**
 * The categories `actor` may run: the union of its Teams' `agentCategories` (a Team without the
 * field allows every category, an empty list none). Every category for a user in no team, an
 * owner, an admin, a super admin and an API key (which acts for the organization, not for a team).
 */
export function runnableCategories(
  actor: Actor,
  team: (teamId: string) => Pick<Team, 'spec'> | undefined,
): ReadonlySet<Category> {
  const every = new Set<Category>(CATEGORIES);
  if (actor.apiKeyId !== undefined || actor.superAdmin) return every;
  if (actor.role !== null && EVERY_CATEGORY_ROLES.has(actor.role)) return every;
  const teams = actor.teamIds.flatMap((teamId) => team(teamId) ?? []);
  if (teams.length === 0) return every;
  const allowed = new Set<Category>();
  for (const { spec } of teams) {
    if (spec.agentCategories === undefined) return every;
    for (const category of spec.agentCategories) allowed.add(category);
  }
  return allowed;
}

export interface AgentServiceDeps {
  directory: Pick<OrganizationDirectory, 'get'>;
  teams: Pick<TeamDirectory, 'get'>;
  /** The platform's own client: impersonates each organization's agent, and reads cluster-scoped kinds. */
  kube: KubeClient;
  /** AGENTS_CLUSTER_SCOPED_READS: whether runs read Nodes and StorageClasses. */
  clusterScopedReads: boolean;
  store: AgentRunStore;
  metering: Pick<Governance, 'consumeAll' | 'refund'>;
  clock: Clock;
  log: Logger;
  /** The agents that may run: the catalog, unless a test brings its own. */
  agents?: readonly Agent[];
  /** The installation's prices and thresholds (AGENTS_PRICES); each Organization's spec.agents overrides them. */
  prices?: AgentPrices;
  /**
   * The id of each new run: random, unless the caller derives it (a workflow step's idempotency key,
   * so that the step repeated after a crash counts the same units and finds the run it stored).
   */
  newRunId?: () => string;
  /** The webhook outbox, for `finding.opened`; absent, runs emit nothing. */
  webhooks?: WebhookOutbox;
}

export interface StartedRun {
  run: AgentRun;
  /** Agent executions left this billing period after the run (its refunds included); null: unlimited. */
  quotaRemaining: number | null;
}

const RunPosition = z.tuple([z.iso.datetime(), z.uuid()]);
const FindingPosition = z.tuple([z.number().int(), z.string(), z.string()]);

/**
 * Agent runs of the organization the actor acts in: which agents it may run, running them
 * (metered before any work, read as the organization's agent, stored in its tenant database), and
 * the runs, findings and environments that result. Route permissions (agents:read, agents:run)
 * were checked before.
 */
export class AgentService {
  private readonly deps: AgentServiceDeps;
  private readonly agents: readonly Agent[];
  private readonly byId: ReadonlyMap<string, Agent>;

  constructor(deps: AgentServiceDeps) {
    this.deps = deps;
    this.agents = deps.agents ?? catalog;
    this.byId = new Map(this.agents.map((agent) => [agent.id, agent]));
  }

  /** Every agent, with whether the actor may run it. */
  list(actor: Actor): AgentView[] {
    const allowed = this.runnable(actor);
    return describeCatalog(this.agents).map((agent) => ({ ...agent, allowed: allowed.has(agent.category) }));
  }

  /**
   * Runs the selected agents over one environment: every check is refused before any work (input,
   * teams, environment, the tenant database, the plan's units, all of them taken at once), then
   * one snapshot as the organization's agent, the evaluation, refunds for agents that failed, and
   * the run stored in one transaction.
   */
  async run(actor: Actor, request: RunAgents): Promise<StartedRun> {
    const orgId = currentOrg(actor);
    const agents = this.select(actor, request);
    const agentIds = agents.map((agent) => agent.id);
    const namespace = this.namespaceOf(orgId, request.environment);
    try {
      await this.deps.store.ready(orgId);
    } catch (error) {
      throw unavailable(error);
    }
    const { clock, metering, log } = this.deps;
    const runId = (this.deps.newRunId ?? randomUUID)();
    const started = clock.now();
    const keyOf = (agent: string) => `${runId}:${agent}`;
    const taken = await metering.consumeAll(
      orgId,
      'agent_executions',
      agentIds.map(keyOf),
      auditActor(actor),
    );
    if (!taken.allowed) throw refusal(agents.length, taken, started);

    const settings = runSettings(this.deps.prices, this.deps.directory.get(orgId)?.spec.agents);
    const evaluation = await this.evaluate(orgId, namespace, agents, settings);
    for (const failure of evaluation.failed) {
      await metering.refund(orgId, 'agent_executions', keyOf(failure.agent));
    }
    const run: AgentRun = {
      runId,
      environment: request.environment,
      agents: agentIds,
      status: statusOf(agentIds, evaluation.failed),
      findings: evaluation.findings,
      summary: countBySeverity(evaluation.findings),
      skipped: evaluation.skipped,
      failures: evaluation.failed,
      cost: costOf(agents, evaluation, request.environment),
      durationMs: Math.max(0, clock.now() - started),
      createdAt: new Date(started),
      requestedBy: auditActor(actor),
    };
    let opened: OpenedFinding[];
    try {
      opened = await this.deps.store.save(orgId, run);
    } catch (error) {
      // The caller gets no run: what it was charged for is given back.
      const failed = new Set(evaluation.failed.map((failure) => failure.agent));
      for (const agent of agentIds.filter((id) => !failed.has(id))) {
        await metering.refund(orgId, 'agent_executions', keyOf(agent));
      }
      throw unavailable(error);
    }
    await this.emitOpened(orgId, run, opened);
    log.info(
      { orgId, runId, environment: run.environment, agents: run.agents.length, status: run.status },
      'Ran agents',
    );
    const remaining = taken.remaining === null ? null : taken.remaining + evaluation.failed.length;
    return { run, quotaRemaining: remaining };
  }

  /**
   * `finding.opened` for each finding the run opened. The findings are in the tenant database, the
   * outbox in the platform's: emitted right after the run is stored, keyed by environment, finding
   * and when it opened, so a repeated step emits nothing new. A failure is logged, not the run's.
   */
  private async emitOpened(orgId: string, run: AgentRun, opened: OpenedFinding[]): Promise<void> {
    const outbox = this.deps.webhooks;
    if (!outbox) return;
    try {
      for (const { finding, firstSeen } of opened) {
        await outbox.emit(orgId, {
          type: 'finding.opened',
          key: `finding.opened:${run.environment}:${finding.id}:${firstSeen.toISOString()}`,
          data: { environment: run.environment, run_id: run.runId, finding },
        });
      }
    } catch (error) {
      this.deps.log.warn(
        { orgId, runId: run.runId, error: logError(error) },
        'Could not emit finding.opened',
      );
    }
  }

  async get(actor: Actor, runId: string): Promise<AgentRunView> {
    const parsed = z.uuid().safeParse(runId);
    const run = parsed.success
      ? await this.tenant(() => this.deps.store.get(currentOrg(actor), parsed.data))
      : undefined;
    if (!run) throw new NotFoundError('No such agent run');
    return runView(run);
  }

  async runs(actor: Actor, query: AgentRunQuery): Promise<AgentRunList> {
    const orgId = currentOrg(actor);
    const after = decodeCursor(RunPosition, query.cursor);
    const page = await this.tenant(() =>
      this.deps.store.list(orgId, {
        ...(query.environment === undefined ? {} : { environment: query.environment }),
        limit: query.limit,
        ...(after ? { after: { createdAt: new Date(after[0]), runId: after[1] } } : {}),
      }),
    );
    const last = page.runs.at(-1);
    return {
      runs: page.runs.map(runFields),
      next_cursor: page.more && last ? encodeCursor([last.createdAt.toISOString(), last.runId]) : null,
    };
  }

  async findings(actor: Actor, query: FindingQuery): Promise<FindingList> {
    const orgId = currentOrg(actor);
    const after = decodeCursor(FindingPosition, query.cursor);
    const { environment, severity, agent, status } = query;
    const filter = {
      ...(environment === undefined ? {} : { environment }),
      ...(severity === undefined ? {} : { severity }),
      ...(agent === undefined ? {} : { agent }),
      ...(status === undefined ? {} : { status }),
    };
    const page = await this.tenant(() =>
      this.deps.store.findings(orgId, filter, {
        limit: query.limit,
        ...(after ? { after: { rank: after[0], environment: after[1], findingId: after[2] } } : {}),
      }),
    );
    return {
      findings: page.findings.map(trackedView),
      next_cursor:
        page.more && page.last
          ? encodeCursor([page.last.rank, page.last.environment, page.last.findingId])
          : null,
    };
  }

  /** Each environment of the organization: its namespace, workloads ready (read as the agent), open findings. */
  async environments(actor: Actor): Promise<EnvironmentView[]> {
    const orgId = currentOrg(actor);
    const org = this.deps.directory.get(orgId);
    if (!org) throw new NotFoundError('No such organization');
    const [open, costs] = await this.tenant(() =>
      Promise.all([this.deps.store.openBySeverity(orgId), this.deps.store.latestCosts(orgId)]),
    );
    const agent = this.deps.kube.impersonating(agentUser(orgId));
    return Promise.all(
      environmentsOf(org).map(async (name) => {
        const provisioned = org.status?.environments?.find((environment) => environment.name === name);
        const namespace = provisioned?.namespace ?? `org-${orgId}--${name}`;
        const workloads = provisioned
          ? await workloadReadiness(agent, namespace).catch((error: unknown) => {
              if (error instanceof NamespaceUnreadable) return null;
              throw error;
            })
          : null;
        return {
          name,
          namespace,
          provisioned: provisioned !== undefined,
          workloads,
          open_findings: open.get(name) ?? noFindings(),
          cost: costView(costs.get(name)),
        };
      }),
    );
  }

  private runnable(actor: Actor): ReadonlySet<Category> {
    const orgId = currentOrg(actor);
    return runnableCategories(actor, (teamId) => this.deps.teams.get(orgId, teamId));
  }

  /** The agents a request names (ids, categories, both: their union), or every one the actor may run. */
  private select(actor: Actor, request: RunAgents): Agent[] {
    const allowed = this.runnable(actor);
    if (request.agents === undefined && request.categories === undefined) {
      return this.agents.filter((agent) => allowed.has(agent.category));
    }
    const ids = new Set(request.agents ?? []);
    const categories = new Set(request.categories ?? []);
    const errors = [];
    const unknownIds = [...ids].filter((id) => !this.byId.has(id));
    if (unknownIds.length > 0) {
      errors.push({
        field: 'agents',
        message: `names no agent: ${unknownIds.join(', ')} (GET /agents lists them)`,
      });
    }
    const known: ReadonlySet<string> = new Set(CATEGORIES);
    const unknownCategories = [...categories].filter((category) => !known.has(category));
    if (unknownCategories.length > 0) {
      errors.push({
        field: 'categories',
        message: `names no category: ${unknownCategories.join(', ')} (one of ${CATEGORIES.join(', ')})`,
      });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    const chosen = this.agents.filter((agent) => ids.has(agent.id) || categories.has(agent.category));
    const refused = [...new Set(chosen.map((agent) => agent.category))].filter(
      (category) => !allowed.has(category),
    );
    if (refused.length > 0) {
      throw new ForbiddenError(
        `Your teams may not run agents of ${refused.join(', ')}; they may run ${[...allowed].join(', ') || 'none'}`,
      );
    }
    return chosen;
  }

  /** The workload namespace of one of the organization's environments, once provisioned. */
  private namespaceOf(orgId: string, environment: string): string {
    const org = this.deps.directory.get(orgId);
    if (!org) throw new NotFoundError('No such organization');
    const environments = environmentsOf(org);
    if (!environments.includes(environment)) {
      throw new ValidationError([
        {
          field: 'environment',
          message: `is not an environment of this organization (${environments.join(', ')})`,
        },
      ]);
    }
    const provisioned = org.status?.environments?.find((candidate) => candidate.name === environment);
    if (!provisioned) {
      throw new ConflictError(
        `Environment ${environment} is not provisioned yet: try again once its namespace exists`,
      );
    }
    return provisioned.namespace;
  }

  /**
   * One snapshot as the organization's agent, then every agent over it. A namespace that cannot be
   * read (deleted, or being deleted) fails every agent with the reason: their units go back.
   */
  private async evaluate(
    orgId: string,
    namespace: string,
    agents: readonly Agent[],
    settings: AgentSettings,
  ): Promise<Evaluation> {
    const { kube, clusterScopedReads, clock, log } = this.deps;
    try {
      const input = await readSnapshot(
        {
          agent: kube.impersonating(agentUser(orgId)),
          cluster: clusterScopedReads ? kube : undefined,
          onClusterReadRefused: (kind) =>
            log.warn(
              { kind },
              'The platform may not list this cluster-scoped kind although AGENTS_CLUSTER_SCOPED_READS is on',
            ),
        },
        namespace,
      );
      return evaluate(agents, buildSnapshot(input), { now: clock.now(), settings });
    } catch (error) {
      const reason =
        error instanceof NamespaceUnreadable ? error.message : `The namespace ${namespace} could not be read`;
      if (!(error instanceof NamespaceUnreadable))
        log.error({ error: logError(error), orgId, namespace }, 'Agent run read failed');
      return {
        findings: [],
        skipped: [],
        failed: agents.map((agent) => ({ agent: agent.id, error: reason })),
        summaries: {},
      };
    }
  }

  private tenant<T>(read: () => Promise<T>): Promise<T> {
    return inTenantDatabase(read);
  }
}

/** Work on a tenant database; one that cannot be reached is 503 (the chat's sessions too). */
export async function inTenantDatabase<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw unavailable(error);
  }
}

/** The cost summary of the first agent that gave one (the cost agents all give the same), for the API. */
function costOf(agents: readonly Agent[], evaluation: Evaluation, environment: string): RunCost | null {
  for (const agent of agents) {
    const summary = agent.summarize === costSummary ? evaluation.summaries[agent.id] : undefined;
    // What costSummary returned, typed as the summaries of any agent are.
    if (summary) return runCost(summary as CostSummary, environment);
  }
  return null;
}

function unavailable(error: unknown): Error {
  if (error instanceof TenantDatabaseUnavailable) {
    return new UnavailableError(`The organization’s database cannot be used: ${error.message}`, {
      retryAfterSeconds: 10,
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function refusal(
  requested: number,
  taken: Awaited<ReturnType<AgentServiceDeps['metering']['consumeAll']>>,
  now: number,
): QuotaExceededError {
  return quotaRefusal(
    `This run needs ${requested} agent executions; ${taken.remaining ?? 0} of ${taken.limit ?? 0} are left this billing period`,
    'agent_executions',
    requested,
    taken,
    now,
  );
}
