import type { Clock } from '@guardian/kube/clock';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuditLog } from './audit/AuditLog.ts';
import type { AuditService } from './audit/AuditService.ts';
import { auditTrail } from './audit/middleware.ts';
import type { AuditThrottle } from './audit/throttle.ts';
import type { Knex } from './db.ts';
import { logError } from './http/log-error.ts';
import type { PlatformMetrics } from './http/metrics.ts';
import type { Api } from './http/operation.ts';
import type { AppState } from './http/state.ts';
import type { BatchConsumption, Consumption, UsageKind } from './quota/consume.ts';
import { Metering, type QuotaState } from './quota/metering.ts';
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
  /** One entry a minute for events anyone can cause (failed logins, refused credentials). */
  auditThrottle: AuditThrottle;
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
  readonly metering: Metering;
  private readonly deps: GovernanceDeps;

  constructor(deps: GovernanceDeps) {
    this.deps = deps;
    this.audit = deps.audit;
    this.metering = new Metering({
      db: deps.db,
      audit: deps.audit,
      organizations: deps.directory,
      clock: deps.clock,
    });
    this.usage = deps.usage;
    this.middleware = [
      auditTrail({
        audit: this.audit,
        sessions: deps.sessions,
        sessionCookie: deps.sessionCookie,
        log: deps.log,
        throttle: deps.auditThrottle,
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
   * audits a refusal. What the API's workflow routes call (the operator meters through the same
   * Metering).
   */
  consume(
    orgId: string,
    kind: UsageKind,
    key: string,
    actor: string,
  ): Promise<Consumption & { resetsAt: Date }> {
    return this.metering.consume(orgId, kind, key, actor);
  }

  /**
   * Counts `keys` (an agent run's `<run_id>:<agent>`) all or nothing against the org's monthly
   * `kind` quota, and audits a refusal (target: the first key's run). What agent runs call before
   * any work; `resetsAt` is when the billing period ends.
   */
  consumeAll(
    orgId: string,
    kind: UsageKind,
    keys: readonly string[],
    actor: string,
  ): Promise<BatchConsumption & { resetsAt: Date }> {
    return this.metering.consumeAll(orgId, kind, keys, actor);
  }

  /** Gives back the unit `key` took (a compensating ledger row); false if it was not counted. */
  refund(orgId: string, kind: UsageKind, key: string): Promise<boolean> {
    return this.metering.refund(orgId, kind, key);
  }

  /** What is left of `kind` this billing period, without taking any. */
  quota(orgId: string, kind: UsageKind): Promise<QuotaState> {
    return this.metering.state(orgId, kind);
  }

  private record(event: Parameters<AuditLog['append']>[0]): void {
    this.audit
      .append(event)
      .catch((error: unknown) =>
        this.deps.log.error({ error: logError(error) }, 'Could not record an audit event'),
      );
  }
}
