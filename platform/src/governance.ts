import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Redis } from 'ioredis';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AuditLog } from './audit/AuditLog.ts';
import { checkpointKey } from './audit/hash.ts';
import { auditTrail } from './audit/middleware.ts';
import type { Knex } from './db.ts';
import { logError } from './http/log-error.ts';
import type { PlatformMetrics } from './http/metrics.ts';
import type { Api } from './http/operation.ts';
import type { AppState } from './http/state.ts';
import { type Consumption, consume, type UsageKind } from './quota/consume.ts';
import { currentPeriod, planLimits } from './quota/limits.ts';
import { UsageService } from './quota/UsageService.ts';
import { ApiRateLimiter } from './ratelimit/limiter.ts';
import { RateLimitCounters, type RedisErrorPolicy, rateLimit } from './ratelimit/middleware.ts';
import { auditRoutes } from './routes/audit.ts';
import { usageRoutes } from './routes/usage.ts';
import type { OrganizationDirectory } from './services/OrganizationDirectory.ts';
import type { SessionService } from './services/SessionService.ts';
import { TenantPools } from './tenant-db/pools.ts';

export interface GovernanceDeps {
  db: Knex;
  redis: Redis | undefined;
  kube: KubeClient;
  directory: OrganizationDirectory;
  sessions: SessionService;
  sessionCookie: string;
  clock: Clock;
  log: Logger;
  metrics: PlatformMetrics;
  onRedisError: RedisErrorPolicy;
  /** GUARDIAN_ENCRYPTION_KEY, from which the audit checkpoint key is derived. */
  encryptionKey: Buffer;
}

/**
 * Quotas, rate limits, usage and the audit trail, wired in one place so the platform and app gain
 * one field each: `middleware` runs right after authentication (the audit trail wraps the rate
 * limiter, so it sees refusals too), `routes` mounts /usage and /audit.
 */
export class Governance {
  readonly counters = new RateLimitCounters();
  readonly usage: UsageService;
  readonly audit: AuditLog;
  readonly middleware: Middleware<AppState>[];
  private readonly deps: GovernanceDeps;
  private readonly key: Buffer;
  private readonly pools = new TenantPools({ maxTenants: 50, connectionsPerTenant: 1 });

  constructor(deps: GovernanceDeps) {
    this.deps = deps;
    this.key = checkpointKey(deps.encryptionKey);
    this.audit = new AuditLog({ db: deps.db, key: this.key, clock: deps.clock });
    this.usage = new UsageService({ ...deps, pools: this.pools });
    const limiter = deps.redis ? new ApiRateLimiter(deps.redis) : undefined;
    // Each failed reconnect emits an error; requests report the outage (log, metric, 503), so the
    // events themselves are only worth a debug line.
    deps.redis?.on('error', (error: unknown) =>
      deps.log.debug({ error: logError(error) }, 'Redis connection failed'),
    );
    this.middleware = [
      auditTrail({
        audit: this.audit,
        sessions: deps.sessions,
        sessionCookie: deps.sessionCookie,
        log: deps.log,
      }),
      rateLimit(
        {
          limiter,
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
    usageRoutes(api, this.usage);
    auditRoutes(api, { audit: this.audit, db: this.deps.db, key: this.key });
  }

  /**
   * Counts `key` against the org's monthly `kind` quota under its current plan and period, and
   * audits a refusal. What the API's workflow and agent routes call.
   */
  async consume(orgId: string, kind: UsageKind, key: string, actor: string): Promise<Consumption> {
    const org = this.deps.directory.get(orgId);
    if (!org) throw new Error(`Organization ${orgId} is not known`);
    const limits = planLimits(this.deps.directory.plan(org));
    const limit = kind === 'workflows' ? limits.workflowsPerMonth : limits.agentExecutionsPerMonth;
    const now = new Date(this.deps.clock.now());
    const result = await consume(this.deps.db, orgId, kind, key, limit, currentPeriod(org, now).key, now);
    if (!result.allowed) {
      await this.audit.append({
        orgId,
        actor,
        action: 'quota.exceeded',
        target: key,
        detail: { kind, limit, period: result.period },
      });
    }
    return result;
  }

  private record(event: Parameters<AuditLog['append']>[0]): void {
    this.audit
      .append(event)
      .catch((error: unknown) =>
        this.deps.log.error({ error: logError(error) }, 'Could not record an audit event'),
      );
  }

  close(): Promise<void> {
    return this.pools.close();
  }
}
