import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '@guardian/kube/client';
import { type Clock, systemClock } from '@guardian/kube/clock';
import type { ClusterAccess } from '@guardian/kube/kubeconfig';
import { pollUntil } from '@guardian/kube/poll';
import { Redis } from 'ioredis';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { type Agent, catalog } from './agents/index.ts';
import { AnalyticsService } from './analytics/AnalyticsService.ts';
import { ANALYTICS_JOB, analyticsJob } from './analytics/job.ts';
import { ScheduledJob } from './analytics/schedule.ts';
import { createApp } from './app.ts';
import { AuditLog } from './audit/AuditLog.ts';
import { AuditService } from './audit/AuditService.ts';
import { checkpointKey } from './audit/hash.ts';
import { refusalRecorder } from './audit/refusals.ts';
import { memoryAuditThrottle, redisAuditThrottle } from './audit/throttle.ts';
import { memoryVerifyCache, redisVerifyCache } from './audit/verify-cache.ts';
import type { PlatformConfig } from './config.ts';
import { connect, type Knex } from './db.ts';
import { Governance } from './governance.ts';
import { BUILT_CONSOLE } from './http/console.ts';
import { logError } from './http/log-error.ts';
import { PlatformMetrics } from './http/metrics.ts';
import { portOf, serveMetrics } from './http/metrics-server.ts';
import type { AppState } from './http/state.ts';
import { Mailer } from './mail/mailer.ts';
import { McpEndpoint } from './mcp/server.ts';
import { outboundFetch } from './outbound/fetch.ts';
import { UsageService } from './quota/UsageService.ts';
import { ApiRateLimiter } from './ratelimit/limiter.ts';
import { RedisRequirement } from './ratelimit/redis-requirement.ts';
import { AccessService } from './services/AccessService.ts';
import { AgentService } from './services/AgentService.ts';
import { ApiKeyService } from './services/ApiKeyService.ts';
import { ApprovalService } from './services/ApprovalService.ts';
import { BackupService } from './services/BackupService.ts';
import { ChatService } from './services/ChatService.ts';
import { InvitationService } from './services/InvitationService.ts';
import { LoginService } from './services/LoginService.ts';
import { MemberService } from './services/MemberService.ts';
import { OidcClients } from './services/OidcClients.ts';
import { OrganizationDirectory } from './services/OrganizationDirectory.ts';
import { OrganizationService } from './services/OrganizationService.ts';
import { People } from './services/people.ts';
import { SaasService } from './services/SaasService.ts';
import { SessionService } from './services/SessionService.ts';
import { SigningKeyService } from './services/SigningKeyService.ts';
import { TeamDirectory } from './services/TeamDirectory.ts';
import { TeamService } from './services/TeamService.ts';
import { TokenService } from './services/TokenService.ts';
import { WebhookService } from './services/WebhookService.ts';
import { WorkflowService } from './services/WorkflowService.ts';
import { AgentRunStore } from './stores/AgentRunStore.ts';
import { ApiKeyStore } from './stores/ApiKeyStore.ts';
import { ChatStore } from './stores/ChatStore.ts';
import { InvitationStore } from './stores/InvitationStore.ts';
import { MembershipStore } from './stores/MembershipStore.ts';
import { NameLockStore } from './stores/NameLockStore.ts';
import { PendingLoginStore } from './stores/PendingLoginStore.ts';
import { RemediationStore } from './stores/RemediationStore.ts';
import { SaasStore } from './stores/SaasStore.ts';
import { SessionStore } from './stores/SessionStore.ts';
import { SigningKeyStore } from './stores/SigningKeyStore.ts';
import { UserStore } from './stores/UserStore.ts';
import { WebhookStore } from './stores/WebhookStore.ts';
import { TenantDatabases } from './tenant-db/databases.ts';
import { TenantPools } from './tenant-db/pools.ts';
import { GUARDIAN_VERSION } from './version.ts';
import { webhookOutbox } from './webhooks/index.ts';
import { DeliveryWorker } from './webhooks/worker.ts';
import type { TemplateCatalog } from './workflows/index.ts';

export const SESSION_COOKIE = 'guardian_session';

/**
 * The session cookie's name: `__Host-` prefixed when browsers reach us over https, so the browser
 * keeps it to this host, Secure and Path=/ (no subdomain or plain-http page can set one). On the
 * plain-http loopback of `make dev` and the tests such a cookie could not be set: no prefix.
 */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}
export const LOGIN_COOKIE = 'guardian_login';

export interface PlatformOptions {
  config: PlatformConfig;
  /** How to reach the apiserver (kubeconfig or the Pod's ServiceAccount). */
  kube: ClusterAccess;
  log: Logger;
  /** Injected so token lifetimes and key rotation are testable without waiting. */
  clock?: Clock;
  /** How often an unknown token `kid` may reload the key set. */
  unknownKidReloadMs?: number;
  /** The agents runs may select: the catalog, unless a test brings its own (e.g. one that fails). */
  agents?: readonly Agent[];
  /** The workflow templates runs may name: the built-in ones, unless a test brings its own. */
  templates?: TemplateCatalog;
}

/**
 * Everything `guardian platform` runs. The constructor is the one composition root, read
 * top-down: connections, stores (each built once: the only SQL), what Kubernetes holds, services,
 * then the HTTP app. `start` and `stop` are the lifecycle. Tests build it in-process on a free port.
 */
export class Platform {
  readonly config: PlatformConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly db: Knex;
  private readonly lockDb: Knex;
  readonly metrics = new PlatformMetrics();
  readonly directory: OrganizationDirectory;
  readonly teams: TeamDirectory;
  readonly keys: SigningKeyService;
  readonly tokens: TokenService;
  readonly sessions: SessionService;
  readonly access: AccessService;
  readonly governance: Governance;
  readonly approvals: ApprovalService;
  /** Delivers the webhook outbox (WEBHOOK_WORKERS queues at once; none when 0). */
  readonly webhookWorker: DeliveryWorker;
  readonly organizations: OrganizationService;
  private readonly kube: KubeClient;
  private readonly redis: Redis | undefined;
  private readonly redisRequirement: RedisRequirement;
  private readonly mailer: Mailer | undefined;
  private readonly pools: TenantPools;
  private readonly expiring: { sessions: SessionStore; pendingLogins: PendingLoginStore };
  private readonly app: Koa<AppState>;
  private server: Server | undefined;
  private metricsServer: Server | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly rollups: ScheduledJob;

  private constructor(options: PlatformOptions, kube: KubeClient) {
    const { config, log } = options;
    const clock = options.clock ?? systemClock;
    const publicUrl = config.PUBLIC_URL;
    this.config = config;
    this.log = log;
    this.clock = clock;
    this.kube = kube;

    // Connections.
    const db = connect(config.DATABASE_URL);
    this.db = db;
    // Name locks hold a connection while their work uses others from `db`: from a pool of their
    // own, so that many locks held at once can never take every connection their work waits for.
    this.lockDb = connect(config.DATABASE_URL, { max: 5 });
    this.redis = config.REDIS_URL
      ? new Redis(config.REDIS_URL, {
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          keyPrefix: config.REDIS_KEY_PREFIX,
        })
      : undefined;
    // Each failed reconnect emits an error; requests report the outage (log, metric, 503), so the
    // events themselves are only worth a debug line.
    this.redis?.on('error', (error: unknown) =>
      log.debug({ error: logError(error) }, 'Redis connection failed'),
    );
    this.mailer = config.SMTP_URL ? new Mailer(config.SMTP_URL, config.MAIL_FROM) : undefined;
    this.pools = new TenantPools({ maxTenants: 50, connectionsPerTenant: 1 });

    // Stores: the only SQL, one of each.
    const users = new UserStore(db);
    const memberships = new MembershipStore(db);
    const sessionStore = new SessionStore(db);
    const pendingLogins = new PendingLoginStore(db);
    const auditKey = checkpointKey(config.GUARDIAN_ENCRYPTION_KEY);
    const auditLog = new AuditLog({ db, key: auditKey, clock });
    this.expiring = { sessions: sessionStore, pendingLogins };

    // What Kubernetes holds, read from informers.
    this.directory = new OrganizationDirectory(kube, log);
    this.teams = new TeamDirectory(kube, log);
    const { directory } = this;
    this.redisRequirement = new RedisRequirement({ configured: this.redis !== undefined, directory, log });

    // Services.
    this.keys = new SigningKeyService({
      store: new SigningKeyStore(db),
      encryptionKey: config.GUARDIAN_ENCRYPTION_KEY,
      tokenTtlMs: config.TOKEN_TTL_SECONDS * 1000,
      clock,
      unknownKidReloadMs: options.unknownKidReloadMs,
    });
    this.tokens = new TokenService({ keys: this.keys, directory, issuer: publicUrl, clock });
    this.sessions = new SessionService({
      store: sessionStore,
      clock,
      ttlMs: config.SESSION_TTL_SECONDS * 1000,
    });
    this.access = new AccessService({
      directory,
      memberships,
      teams: this.teams,
      defaultIssuer: config.OIDC_ISSUER,
      superAdmins: config.GUARDIAN_SUPER_ADMINS,
    });
    const databases = new TenantDatabases({ kube, pools: this.pools });
    const usage = new UsageService({ db, directory, clock, databases, kube });
    const invitations = new InvitationService({
      store: new InvitationStore(db),
      directory,
      mailer: this.mailer,
      secret: config.GUARDIAN_ENCRYPTION_KEY,
      publicUrl,
      ttlMs: config.INVITATION_TTL_SECONDS * 1000,
      clock,
    });
    const login = new LoginService({
      invitations,
      directory,
      access: this.access,
      oidcClients: new OidcClients({ caFile: config.OIDC_CA_FILE, allowed: config.OUTBOUND_ALLOWED_CIDRS }),
      pendingLogins,
      users,
      sessions: this.sessions,
      defaultIdp: {
        issuer: config.OIDC_ISSUER,
        clientId: config.OIDC_CLIENT_ID,
        clientSecret: config.OIDC_CLIENT_SECRET,
      },
      redirectUri: `${publicUrl}/auth/callback`,
      scope: config.OIDC_SCOPES,
      clock,
      log,
    });
    const apiKeys = new ApiKeyService({ store: new ApiKeyStore(db), clock });
    const locks = new NameLockStore(this.lockDb);
    const organizations = new OrganizationService({
      kube,
      directory,
      teams: this.teams,
      memberships,
      users,
      locks,
      usage,
      selfServiceSignup: config.GUARDIAN_SELF_SERVICE_SIGNUP,
    });
    this.organizations = organizations;
    const teams = new TeamService({ kube, directory: this.teams, locks });
    const members = new MemberService({ directory, memberships, defaultIssuer: config.OIDC_ISSUER });
    const replicaThrottle = memoryAuditThrottle(clock);
    const auditThrottle = this.redis ? redisAuditThrottle(this.redis, replicaThrottle) : replicaThrottle;
    this.governance = new Governance({
      db,
      audit: auditLog,
      auditService: new AuditService({
        log: auditLog,
        db,
        key: auditKey,
        cache: this.redis ? redisVerifyCache(this.redis) : memoryVerifyCache(() => clock.now()),
      }),
      usage,
      limiter: this.redis ? new ApiRateLimiter(this.redis) : undefined,
      directory,
      sessions: this.sessions,
      auditThrottle,
      sessionCookie: sessionCookieName(publicUrl),
      clock,
      log,
      metrics: this.metrics,
      onRedisError: config.RATE_LIMIT_ON_REDIS_ERROR,
    });

    const people = new People({
      users,
      access: this.access,
      defaultIssuer: config.OIDC_ISSUER,
      subjectPrefix: config.OIDC_SUBJECT_PREFIX,
    });
    this.approvals = new ApprovalService({
      kube,
      locks,
      people,
      audit: auditLog,
      directory,
      clock,
      log: log.child({ component: 'approvals' }),
    });

    const agents = new AgentService({
      directory,
      teams: this.teams,
      kube,
      clusterScopedReads: config.AGENTS_CLUSTER_SCOPED_READS,
      prices: config.AGENTS_PRICES,
      store: new AgentRunStore(databases),
      metering: this.governance,
      clock,
      log,
      agents: options.agents,
      webhooks: webhookOutbox(db),
    });
    const workflows = new WorkflowService({
      kube,
      directory,
      teams: this.teams,
      metering: this.governance,
      audit: auditLog,
      clock,
      remediations: new RemediationStore(databases),
      people,
      ...(options.templates ? { templates: options.templates } : {}),
    });

    const webhookStore = new WebhookStore(db);
    const webhooks = new WebhookService({
      store: webhookStore,
      directory,
      allowed: config.OUTBOUND_ALLOWED_CIDRS,
      encryptionKey: config.GUARDIAN_ENCRYPTION_KEY,
      clock,
    });
    this.webhookWorker = new DeliveryWorker({
      store: webhookStore,
      audit: auditLog,
      fetcher: outboundFetch({ allowed: config.OUTBOUND_ALLOWED_CIDRS, maxResponseBytes: 4096 }),
      encryptionKey: config.GUARDIAN_ENCRYPTION_KEY,
      retry: {
        baseMs: config.WEBHOOK_RETRY_BASE_MS,
        maxDelayMs: 3_600_000,
        windowMs: config.WEBHOOK_RETRY_WINDOW_SECONDS * 1000,
      },
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      pollMs: config.WEBHOOK_POLL_MS,
      concurrency: config.WEBHOOK_WORKERS,
      batch: 100,
      clock,
      log: log.child({ component: 'webhooks' }),
    });
    this.rollups = new ScheduledJob({
      db,
      job: ANALYTICS_JOB,
      intervalMs: config.ANALYTICS_ROLLUP_INTERVAL_SECONDS * 1000,
      clock,
      log,
      run: analyticsJob({ db, directory, organizations, audit: auditLog, log }),
    });

    // HTTP.
    this.app = createApp({
      trustedProxies: config.TRUSTED_PROXIES,
      log,
      metrics: this.metrics,
      governance: this.governance,
      auth: {
        tokens: this.tokens,
        sessions: this.sessions,
        access: this.access,
        directory,
        apiKeys,
        sessionCookie: sessionCookieName(publicUrl),
        publicOrigin: new URL(publicUrl).origin,
        onRefused: refusalRecorder({ audit: auditLog, throttle: auditThrottle, log }),
      },
      authRoutes: {
        login,
        invitations,
        sessions: this.sessions,
        tokens: this.tokens,
        users,
        publicUrl,
        cookies: {
          session: sessionCookieName(publicUrl),
          login: LOGIN_COOKIE,
          secure: publicUrl.startsWith('https:'),
        },
      },
      systemRoutes: {
        readiness: {
          database: async () => (await db.raw('select 1')) !== undefined,
          organizations: async () => directory.synced && !directory.stale,
          teams: async () => this.teams.synced && !this.teams.stale,
          // Redis answers; without REDIS_URL, no plan needs it.
          redis: this.redis
            ? async () => (await this.redis?.ping()) === 'PONG'
            : async () => this.redisRequirement.satisfied,
        },
        keys: this.keys,
        publicUrl,
        version: GUARDIAN_VERSION,
      },
      organizations,
      analytics: new AnalyticsService({
        db,
        organizations,
        directory,
        kube,
        databases,
        categories: new Map((options.agents ?? catalog).map((agent) => [agent.id, agent.category])),
        clock,
      }),
      teams,
      members,
      apiKeys,
      invitations,
      agents,
      backups: new BackupService({ kube, directory, key: config.BACKUP_ENCRYPTION_KEY }),
      saas: new SaasService({ store: new SaasStore(db), directory, clock }),
      workflows,
      approvals: this.approvals,
      chat: new ChatService({
        agents,
        workflows,
        approvals: this.approvals,
        store: new ChatStore(databases),
        directory,
        metering: this.governance,
        clock,
        sessionTtlSeconds: config.CHAT_SESSION_TTL_SECONDS,
      }),
      mcp: new McpEndpoint({ agents, workflows, audit: auditLog }),
      webhooks,
      console: { dir: config.CONSOLE_DIR ?? BUILT_CONSOLE },
    });
    this.metrics.counter(
      'guardian_signing_key_reloads_total',
      'Reloads of the token signing key set',
      () => this.keys.reloads,
    );
    this.metrics.counter(
      'guardian_signing_key_unknown_kid_reloads_total',
      'Key set reloads caused by tokens naming an unknown kid (at most one per interval)',
      () => this.keys.unknownKidReloads,
    );
    this.metrics.counter(
      'guardian_token_cache_hits_total',
      'Token verifications answered from the cache',
      () => this.tokens.cacheHits,
    );
  }

  static async create(options: PlatformOptions): Promise<Platform> {
    return new Platform(options, new KubeClient(options.kube));
  }

  /**
   * Starts informers and keys, then listens; resolves with the port. Without REDIS_URL it first
   * reads the plans and refuses to start (ConfigError) when any limits API calls.
   */
  async start(): Promise<number> {
    try {
      return await this.run();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async run(): Promise<number> {
    this.directory.start();
    this.teams.start();
    this.approvals.start();
    if (!this.redis) {
      await pollUntil(
        'the plans (QuotaPolicies), to check that none needs REDIS_URL',
        () => this.directory.plansSynced,
        {
          timeoutMs: 60_000,
        },
      );
      this.redisRequirement.check();
    }
    await this.keys.start();
    await this.redis
      ?.connect()
      .catch((error: unknown) => this.log.warn({ error: logError(error) }, 'Redis is unreachable'));
    // Expired sessions and abandoned logins are refused anyway; this only keeps the tables small.
    // Idempotent, so every replica may run it without a lease.
    this.sweeper = setInterval(() => {
      const now = new Date(this.clock.now());
      const { sessions, pendingLogins } = this.expiring;
      Promise.all([sessions.deleteExpired(now), pendingLogins.deleteExpired(now)]).catch((error: unknown) =>
        this.log.warn({ error: logError(error) }, 'Could not delete expired sessions'),
      );
    }, 15 * 60_000);
    this.sweeper.unref();
    this.webhookWorker.start();
    this.rollups.start();
    const { config } = this;
    this.server = createServer(this.app.callback());
    // Longer than a typical load balancer's idle timeout, so it closes idle connections first.
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((listening, failed) => {
      this.server?.once('error', failed);
      this.server?.listen(config.PORT, config.HOST, listening);
    });
    const { port } = this.server.address() as AddressInfo;
    this.metricsServer = await serveMetrics(this.metrics.registry, config.METRICS_PORT, config.HOST);
    this.log.info(
      {
        address: `${config.HOST}:${port}`,
        publicUrl: config.PUBLIC_URL,
        metrics: `${config.HOST}:${portOf(this.metricsServer)}`,
      },
      'Platform API listening',
    );
    return port;
  }

  /** Where /metrics is served (METRICS_PORT, or the port chosen for 0), once started. */
  get metricsPort(): number | undefined {
    return this.metricsServer ? portOf(this.metricsServer) : undefined;
  }

  async stop(): Promise<void> {
    for (const server of [this.server, this.metricsServer]) {
      if (!server?.listening) continue;
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    }
    clearInterval(this.sweeper);
    await this.webhookWorker.stop();
    await this.rollups.stop();
    this.keys.stop();
    this.directory.stop();
    this.teams.stop();
    await this.approvals.stop();
    this.mailer?.close();
    this.redis?.disconnect();
    await this.pools.close();
    await this.db.destroy();
    await this.lockDb.destroy();
    await this.kube.close();
  }
}
