import type { QuotaPolicy, WorkflowRun } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { KubeObject } from '@guardian/kube/resources';
import type { Knex } from 'knex';
import type { z } from 'zod';
import type { SecuritySection } from '../contract/analytics.ts';
import type { AnalyticsQuery, OrganizationAnalytics } from '../contract/organizations.ts';
import { currentPeriod } from '../quota/limits.ts';
import { cents } from '../saas/figures.ts';
import type { Actor } from '../services/actor.ts';
import { controlNamespace, type OrganizationDirectory } from '../services/OrganizationDirectory.ts';
import type { OrganizationService } from '../services/OrganizationService.ts';
import { withTenant } from '../stores/with-tenant.ts';
import { type TenantDatabases, TenantDatabaseUnavailable } from '../tenant-db/databases.ts';
import { type DailyRow, readDaily } from './daily.ts';
import { withForecasts } from './quota.ts';
import { type AnalyticsRange, addDays, analyticsRange, buckets, dayKey } from './range.ts';
import { closedThrough } from './rollup.ts';
import { agentPerformance, costFigures, remediationFigures } from './tenant-figures.ts';
import { workflowFigures } from './workflow-figures.ts';

type Security = z.infer<typeof SecuritySection>;

export interface AnalyticsServiceOptions {
  db: Knex;
  organizations: OrganizationService;
  directory: OrganizationDirectory;
  kube: KubeClient;
  databases: TenantDatabases;
  /** Each agent's category, by agent id. */
  categories: ReadonlyMap<string, string>;
  clock: Clock;
}

const SECTION_NOTE = {
  cost: 'Estimates are the cost agents’ runs (POST /agents/runs with a cost agent); remediation counts objects changed, not money',
  performance:
    'Agent runs from the tenant database; workflows from the WorkflowRuns that still exist; per-organization API response times are not recorded yet (Prometheus has them per route)',
  security:
    'From the audit trail: 401 by path, 403 by refused action, 429 from rate limiting; API keys used from new addresses are not recorded yet',
};

/**
 * The cheapest plan of this installation with full analytics, if any: the lowest monthly price
 * among priced plans, then (unpriced plans) the lowest limits.
 */
export function cheapestFullPlan(plans: readonly QuotaPolicy[]): string | null {
  const price = (plan: QuotaPolicy) =>
    plan.spec?.price ? cents(plan.spec.price.monthly) : Number.POSITIVE_INFINITY;
  const size = (plan: QuotaPolicy) => plan.spec?.agentExecutionsPerMonth ?? Number.POSITIVE_INFINITY;
  const by = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1);
  const full = plans
    .filter((plan) => plan.spec?.features?.advancedAnalytics === 'full')
    .sort(
      (a, b) =>
        by(price(a), price(b)) ||
        by(size(a), size(b)) ||
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    );
  return full[0]?.metadata?.name ?? null;
}

/** Sums rows by a key. */
function tally<T>(rows: readonly T[], key: (row: T) => string | undefined, value: (row: T) => number) {
  const sums = new Map<string, number>();
  for (const row of rows) {
    const k = key(row);
    if (k !== undefined) sums.set(k, (sums.get(k) ?? 0) + value(row));
  }
  return sums;
}

/** The security section from the daily `security` rows (dim: `<action> <path>`). */
export function securityFigures(rows: readonly DailyRow[]): Omit<Security, 'note'> {
  const events = rows
    .filter((row) => row.metric === 'security')
    .map((row) => {
      const space = row.dim.indexOf(' ');
      return { ...row, action: row.dim.slice(0, space), path: row.dim.slice(space + 1) };
    });
  const refusedAs = (e: { action: string; path: string }) =>
    e.action === 'auth.refused'
      ? `401 ${e.path}`
      : e.action === 'ratelimit.exceeded'
        ? '429 rate limit'
        : e.action.endsWith('.refused')
          ? `403 ${e.action}`
          : undefined;
  const refused = tally(events, refusedAs, (e) => e.value);
  const failed = (e: { action: string }) => e.action === 'auth.login.failure';
  const signIns = tally(
    events,
    (e) => (failed(e) ? e.day : undefined),
    (e) => e.value,
  );
  const refusedByDay = tally(
    events,
    (e) => (refusedAs(e) ? e.day : undefined),
    (e) => e.value,
  );
  const days = [...new Set(events.map((e) => e.day))].sort();
  return {
    failed_sign_ins: [...signIns.values()].reduce((a, b) => a + b, 0),
    refused_approvals: events
      .filter((e) => e.action === 'workflow.approval.refused')
      .reduce((a, e) => a + e.value, 0),
    refused: [...refused]
      .map(([key, count]) => {
        const space = key.indexOf(' ');
        return { status: Number(key.slice(0, space)) as 401 | 403 | 429, route: key.slice(space + 1), count };
      })
      .sort((a, b) => b.count - a.count || a.status - b.status || a.route.localeCompare(b.route)),
    series: days.map((day) => ({
      bucket: day,
      failed_sign_ins: signIns.get(day) ?? 0,
      refused: refusedByDay.get(day) ?? 0,
    })),
  };
}

/**
 * Per-tenant analytics: the organization's figures (OrganizationService, which also authorizes),
 * then usage, cost, performance and security over a range of days, and quota forecasts. Counts
 * from the platform database come from the daily rollups (days not rolled up yet from the raw
 * rows); cost and agent performance from the tenant database; workflows from WorkflowRuns. Plans
 * without `advancedAnalytics: full` get usage and quota; the other sections say which plan has them.
 */
export class AnalyticsService {
  private readonly o: AnalyticsServiceOptions;

  constructor(options: AnalyticsServiceOptions) {
    this.o = options;
  }

  async report(actor: Actor, orgId: string, query: AnalyticsQuery): Promise<OrganizationAnalytics> {
    const now = new Date(this.o.clock.now());
    const range = analyticsRange(query, now);
    const base = await this.o.organizations.analytics(actor, orgId, query.periods);
    const org = this.o.directory.get(orgId);
    if (!org) throw new Error('The organization vanished while its analytics were read');
    const [daily, runs] = await Promise.all([
      withTenant(this.o.db, { orgId }, async (trx) =>
        readDaily(trx, orgId, range, await closedThrough(trx, orgId)),
      ),
      this.o.kube.list<WorkflowRun & KubeObject>(KINDS.workflowRun, { namespace: controlNamespace(orgId) }),
    ]);
    const workflows = workflowFigures(runs.items, range);
    const full = this.o.directory.plan(org)?.spec?.features?.advancedAnalytics === 'full';
    const locked = { locked: true as const, plan: cheapestFullPlan(this.o.directory.allPlans()) };
    const period = currentPeriod(org, now);
    const answer: OrganizationAnalytics = {
      ...base,
      quota: withForecasts(base.quota, period, now),
      range: {
        from: dayKey(range.from),
        to: dayKey(addDays(range.to, -1)),
        granularity: range.granularity,
        buckets: buckets(range),
      },
      usage: {
        agents: daily
          .filter((row) => row.metric === 'agent_units' && row.value !== 0)
          .map((row) => ({
            bucket: row.day,
            agent: row.dim,
            category: this.o.categories.get(row.dim) ?? null,
            units: row.value,
          })),
        workflows: workflows.usage,
        workflow_units: daily
          .filter((row) => row.metric === 'workflow_units')
          .map((row) => ({ bucket: row.day, units: row.value })),
      },
      cost: locked,
      performance: locked,
      security: locked,
    };
    if (!full) return answer;
    const tenant = await this.tenantFigures(orgId, range);
    return {
      ...answer,
      cost: { ...tenant.cost, note: tenant.note ?? SECTION_NOTE.cost },
      performance: {
        agents: tenant.agents,
        workflows: workflows.performance,
        note: tenant.note ?? SECTION_NOTE.performance,
      },
      security: { ...securityFigures(daily), note: SECTION_NOTE.security },
    };
  }

  /** What the tenant database knows; empty figures (and why) while it is not provisioned. */
  private async tenantFigures(orgId: string, range: AnalyticsRange) {
    try {
      const db = await this.o.databases.connect(orgId);
      const [cost, remediation, agents] = await Promise.all([
        costFigures(db, range),
        remediationFigures(db, range),
        agentPerformance(db, range),
      ]);
      return { cost: { ...cost, remediation }, agents, note: undefined };
    } catch (error) {
      if (!(error instanceof TenantDatabaseUnavailable)) throw error;
      return {
        cost: {
          currency: null,
          series: [],
          latest: null,
          change: { previous: null, current: null, delta: null, percent: null },
          remediation: { applied: 0, reverted: 0, series: [] },
        },
        agents: { runs: 0, succeeded: 0, success_rate: null, duration_ms: { p50: null, p95: null } },
        note: `No agent runs to read: ${error.message}`,
      };
    }
  }
}
