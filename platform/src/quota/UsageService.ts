import type { Organization } from '@guardian/crds/generated';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Knex } from 'knex';
import type { Usage, UsageLimit } from '../contract/usage.ts';
import type { Decision } from '../ratelimit/limiter.ts';
import { type Actor, currentOrg } from '../services/actor.ts';
import type { OrganizationDirectory } from '../services/OrganizationDirectory.ts';
import { withTenant } from '../stores/with-tenant.ts';
import type { TenantDatabases } from '../tenant-db/databases.ts';
import { slotsHeld } from '../workflows/slots.ts';
import { usage } from './consume.ts';
import { type UsageHistory, usageHistory } from './history.ts';
import { currentPeriod, planLimits } from './limits.ts';
import { seatsUsed } from './seats.ts';
import { type StorageReading, tenantStorage } from './storage.ts';

export interface UsageServiceDeps {
  db: Knex;
  directory: OrganizationDirectory;
  clock: Clock;
  databases: TenantDatabases;
  /** Reads the organization's storage Secret, to measure its bucket. */
  kube: KubeClient;
}

const STORAGE_CACHE_MS = 60_000;

function limitOf(limit: number | null, used: number | null, note?: string): UsageLimit {
  const remaining = limit === null || used === null ? null : Math.max(0, limit - used);
  return { limit, used, remaining, ...(note ? { note } : {}) };
}

/** What an organization has used of its plan: in this billing period (GET /usage), and over time. */
export class UsageService {
  private readonly deps: UsageServiceDeps;
  private readonly storageCache = new Map<string, { reading: StorageReading; until: number }>();

  constructor(deps: UsageServiceDeps) {
    this.deps = deps;
  }

  /**
   * The usage of the organization the actor acts in; `api` is this request's rate limit decision
   * (none when the plan has no hourly limit).
   */
  async usage(actor: Actor, api: Decision | undefined): Promise<Usage> {
    const orgId = currentOrg(actor);
    const { directory, db, clock } = this.deps;
    const org = directory.get(orgId);
    if (!org) throw new Error(`Organization ${orgId} is not known`);
    const plan = directory.plan(org);
    const limits = planLimits(plan);
    const period = currentPeriod(org, new Date(clock.now()));
    // One transaction (one connection, one tenant setting) for both reads.
    const [{ used, seats, running }, storage] = await Promise.all([
      withTenant(db, { orgId }, async (trx) => ({
        used: await usage(trx, orgId, period.key),
        seats: await seatsUsed(trx, orgId),
        running: await slotsHeld(trx, orgId),
      })),
      this.storage(orgId),
    ]);
    return {
      org_id: orgId,
      plan: org.spec.plan,
      period: { start: period.start.toISOString(), end: period.end.toISOString() },
      limits: {
        agent_executions_per_month: limitOf(limits.agentExecutionsPerMonth, used.agent_executions),
        workflows_per_month: limitOf(limits.workflowsPerMonth, used.workflows),
        api_calls_per_hour: api
          ? limitOf(api.limit, api.limit - api.remaining)
          : limitOf(limits.apiCallsPerHour, null, 'not counted: the plan has no hourly limit'),
        team_members: limitOf(limits.teamMembers, seats),
        storage_gib: limitOf(limits.storageGiB, storage.gib, 'note' in storage ? storage.note : undefined),
        concurrent_workflows: limitOf(limits.concurrentWorkflows, running),
      },
      features: { sso: plan?.spec.features?.sso === true },
    };
  }

  /** Seats taken: members and pending invitations (seatsUsed). */
  seats(orgId: string): Promise<number> {
    return seatsUsed(this.deps.db, orgId);
  }

  /** This billing period's agent executions and workflows. */
  async monthly(org: Organization): Promise<{ agentExecutions: number; workflows: number; period: string }> {
    const period = currentPeriod(org, new Date(this.deps.clock.now())).key;
    const used = await usage(this.deps.db, org.metadata?.name ?? '', period);
    return { agentExecutions: used.agent_executions, workflows: used.workflows, period };
  }

  /** `periods` billing periods of usage, and the days of the current one. */
  history(org: Organization, periods: number): Promise<UsageHistory> {
    return usageHistory(this.deps.db, org, new Date(this.deps.clock.now()), periods);
  }

  /** Stored sizes change slowly: one reading per org a minute spares the apiserver, the database and the bucket. */
  private async storage(orgId: string): Promise<StorageReading> {
    const now = this.deps.clock.now();
    const cached = this.storageCache.get(orgId);
    if (cached && cached.until > now) return cached.reading;
    const reading = await tenantStorage(this.deps.databases, this.deps.kube, orgId).catch(
      (): StorageReading => ({
        gib: null,
        note: 'not measured: the tenant database or bucket could not be reached',
      }),
    );
    this.storageCache.set(orgId, { reading, until: now + STORAGE_CACHE_MS });
    return reading;
  }
}
