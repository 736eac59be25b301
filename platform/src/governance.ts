import type { Clock } from '@guardian/kube/clock';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuditLog } from './audit/AuditLog.ts';
import type { AuditService } from './audit/AuditService.ts';
import { auditTrail } from './audit/middleware.ts';
import type { Knex } from './db.ts';
import { logError } from './http/log-error.ts';
import type { PlatformMetrics } from './http/metrics.ts';
import type { Api } from './http/operation.ts';
import type { AppState } from './http/state.ts';
import {
  type BatchConsumption,
  type Consumption,
  consume,
  consumeAll,
  refund,
  type UsageKind,
} from './quota/consume.ts';
import { currentPeriod, planLimits } from './quota/limits.ts';
import type { UsageService } from './quota/UsageService.ts';
import type { ApiRateLimiter } from './ratelimit/limiter.ts';
import { RateLimitCounters, type RedisErrorPolicy, rateLimit } from './ratelimit/middleware.ts';
import { auditRoutes } from './routes/audit.ts';
import { usageRoutes } from './routes/usage.ts';
import type { OrganizationDirectory } from './services/OrganizationDirectory.ts';
import type { SessionService } from './services/SessionService.ts';

export interface GovernanceDeps {
  db: Knex;
  audit: AuditLog;
  auditService: AuditService;
  usage: UsageService;
  /** Undefined without Redis: every limited request then meets `onRedisError`. */
  limiter: ApiRateLimiter | undefined;
  directory: OrganizationDirectory;
  sessions: SessionService;
  sessionCookie: string;
  clock: Clock;
  log: Logger;
  metrics: PlatformMetrics;
  onRedisError: RedisErrorPolicy;
}

/** The routes of governance, /usage and /audit: registering them calls neither service. */
export function governanceRoutes(
  api: Api,
  services: { usage: UsageService; auditService: AuditService },
): void {
  usageRoutes(api, services.usage);
  auditRoutes(api, services.auditService);
}

/**
 * Quotas, rate limits, usage and the audit trail, for the app in one field: `middleware` runs
 * right after authentication (the audit trail wraps the rate limiter, so it sees refusals too),
 * `routes` mounts /usage and /audit.
 */
export class Governance {
  readonly counters = new RateLimitCounters();
  readonly usage: UsageService;
  readonly audit: AuditLog;
  readonly middleware: Middleware<AppState>[];
  private readonly deps: GovernanceDeps;

  constructor(deps: GovernanceDeps) {
    this.deps = deps;
    this.audit = deps.audit;
    this.usage = deps.usage;
    this.middleware = [
      auditTrail({
        audit: this.audit,
        sessions: deps.sessions,
        sessionCookie: deps.sessionCookie,
        log: deps.log,
        clock: deps.clock,
      }),
      rateLimit(
        {
          limiter: deps.limiter,
          directory: deps.directory,
          clock: deps.clock,
          onRedisError: deps.onRedisError,
          log: deps.log,
          // At most once a minute per org (the script's breach marker), and off the request path.
          onBreach: (ctx, orgId, decision) => {
            this.record({
              orgId,
              actor: ctx.state.auth?.userId ?? 'anonymous',
              action: 'ratelimit.exceeded',
              detail: { limit: decision.limit, retry_after_ms: decision.resetMs },
            });
          },
        },
        this.counters,
      ),
    ];
    deps.metrics.counter(
      'guardian_rate_limit_refused_total',
      'Requests refused by the hourly API limit',
      () => this.counters.refused,
    );
    deps.metrics.counter(
      'guardian_rate_limit_redis_errors_total',
      'Requests whose rate limit decision failed because Redis did not answer',
      () => this.counters.redisErrors,
    );
  }

  routes(api: Api): void {
    governanceRoutes(api, { usage: this.usage, auditService: this.deps.auditService });
  }

  /**
   * Counts `key` against the org's monthly `kind` quota under its current plan and period, and
   * audits a refusal. What the API's workflow routes call.
   */
  async consume(orgId: string, kind: UsageKind, key: string, actor: string): Promise<Consumption> {
    const { limit, period, now } = this.quotaOf(orgId, kind);
    const result = await consume(this.deps.db, orgId, kind, key, limit, period.key, now);
    if (!result.allowed) await this.refused(orgId, actor, kind, key, limit, result.period);
    return result;
  }

  /**
   * Counts `keys` (an agent run's `<run_id>:<agent>`) all or nothing against the org's monthly
   * `kind` quota, and audits a refusal (target: the first key's run). What agent runs call before
   * any work; `resetsAt` is when the billing period ends.
   */
  async consumeAll(
    orgId: string,
    kind: UsageKind,
    keys: readonly string[],
    actor: string,
  ): Promise<BatchConsumption & { resetsAt: Date }> {
    const { limit, period, now } = this.quotaOf(orgId, kind);
    const result = await consumeAll(this.deps.db, orgId, kind, keys, limit, period.key, now);
    if (!result.allowed) {
      const target = keys[0]?.split(':')[0] ?? '';
      await this.refused(orgId, actor, kind, target, limit, result.period, keys.length);
    }
    return { ...result, resetsAt: period.end };
  }

  /** Gives back the unit `key` took (a compensating ledger row); false if it was not counted. */
  refund(orgId: string, kind: UsageKind, key: string): Promise<boolean> {
    return refund(this.deps.db, orgId, kind, key, new Date(this.deps.clock.now()));
  }

  private quotaOf(orgId: string, kind: UsageKind) {
    const org = this.deps.directory.get(orgId);
    if (!org) throw new Error(`Organization ${orgId} is not known`);
    const limits = planLimits(this.deps.directory.plan(org));
    const limit = kind === 'workflows' ? limits.workflowsPerMonth : limits.agentExecutionsPerMonth;
    const now = new Date(this.deps.clock.now());
    return { limit, period: currentPeriod(org, now), now };
  }

  private async refused(
    orgId: string,
    actor: string,
    kind: UsageKind,
    target: string,
    limit: number | null,
    period: string,
    requested = 1,
  ): Promise<void> {
    await this.audit.append({
      orgId,
      actor,
      action: 'quota.exceeded',
      target,
      detail: { kind, limit, period, ...(requested === 1 ? {} : { requested }) },
    });
  }

  private record(event: Parameters<AuditLog['append']>[0]): void {
    this.audit
      .append(event)
      .catch((error: unknown) =>
        this.deps.log.error({ error: logError(error) }, 'Could not record an audit event'),
      );
  }
}
