import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '@guardian/kube/client';
import { type Clock, systemClock } from '@guardian/kube/clock';
import type { ClusterAccess } from '@guardian/kube/kubeconfig';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { PlatformConfig } from './config.ts';
import { connect, type Knex } from './db.ts';
import { Governance } from './governance.ts';
import { logError } from './http/log-error.ts';
import { PlatformMetrics } from './http/metrics.ts';
import { Mailer } from './mail/mailer.ts';
import { currentPeriod, seatsUsed, usage, usageHistory } from './quota/index.ts';
import { AccessService } from './services/AccessService.ts';
import { ApiKeyService } from './services/ApiKeyService.ts';
import { InvitationService } from './services/InvitationService.ts';
import { LoginService } from './services/LoginService.ts';
import { MemberService } from './services/MemberService.ts';
import { OidcClients } from './services/OidcClients.ts';
import { OrganizationDirectory } from './services/OrganizationDirectory.ts';
import { OrganizationService } from './services/OrganizationService.ts';
import { SessionService } from './services/SessionService.ts';
import { SigningKeyService } from './services/SigningKeyService.ts';
import { TeamDirectory } from './services/TeamDirectory.ts';
import { TeamService } from './services/TeamService.ts';
import { TokenService } from './services/TokenService.ts';
import { ApiKeyStore } from './stores/ApiKeyStore.ts';
import { InvitationStore } from './stores/InvitationStore.ts';
import { MembershipStore } from './stores/MembershipStore.ts';
import { NameLockStore } from './stores/NameLockStore.ts';
import { PendingLoginStore } from './stores/PendingLoginStore.ts';
import { SessionStore } from './stores/SessionStore.ts';
import { SigningKeyStore } from './stores/SigningKeyStore.ts';
import { UserStore } from './stores/UserStore.ts';

export const SESSION_COOKIE = 'guardian_session';
export const LOGIN_COOKIE = 'guardian_login';
const VERSION = '0.1.0';

export interface PlatformOptions {
  config: PlatformConfig;
  /** How to reach the apiserver (kubeconfig or the Pod's ServiceAccount). */
  kube: ClusterAccess;
  log: Logger;
  /** Injected so token lifetimes and key rotation are testable without waiting. */
  clock?: Clock;
  /** How often an unknown token `kid` may reload the key set. */
  unknownKidReloadMs?: number;
}

/** Everything `guardian platform` runs, wired once; tests build it in-process on a free port. */
export class Platform {
  readonly config: PlatformConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly db: Knex;
  readonly metrics = new PlatformMetrics();
  readonly keys: SigningKeyService;
  readonly tokens: TokenService;
  readonly directory: OrganizationDirectory;
  readonly teams: TeamDirectory;
  readonly sessions: SessionService;
  readonly access: AccessService;
  readonly governance: Governance;
  private readonly kube: KubeClient;
  private readonly redis: Redis | undefined;
  private server: Server | undefined;
  private mailer: Mailer | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  private constructor(options: PlatformOptions, kube: KubeClient) {
    const { config } = options;
    this.config = config;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.kube = kube;
    this.db = connect(config.DATABASE_URL);
    this.redis = config.REDIS_URL
      ? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false })
      : undefined;
    this.directory = new OrganizationDirectory(kube, this.log);
    this.teams = new TeamDirectory(kube, this.log);
    this.keys = new SigningKeyService({
      store: new SigningKeyStore(this.db),
      encryptionKey: config.GUARDIAN_ENCRYPTION_KEY,
      tokenTtlMs: config.TOKEN_TTL_SECONDS * 1000,
      clock: this.clock,
      unknownKidReloadMs: options.unknownKidReloadMs,
    });
    this.tokens = new TokenService({ keys: this.keys, issuer: config.PUBLIC_URL, clock: this.clock });
    this.sessions = new SessionService({
      store: new SessionStore(this.db),
      clock: this.clock,
      ttlMs: config.SESSION_TTL_SECONDS * 1000,
    });
    this.governance = new Governance({
      db: this.db,
      redis: this.redis,
      kube,
      directory: this.directory,
      clock: this.clock,
      log: this.log,
      metrics: this.metrics,
      onRedisError: config.RATE_LIMIT_ON_REDIS_ERROR,
      encryptionKey: config.GUARDIAN_ENCRYPTION_KEY,
      sessions: this.sessions,
      sessionCookie: SESSION_COOKIE,
    });
    this.access = new AccessService({
      directory: this.directory,
      memberships: new MembershipStore(this.db),
      defaultIssuer: config.OIDC_ISSUER,
      superAdmins: config.GUARDIAN_SUPER_ADMINS,
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

  /** Starts informers and keys, then listens; resolves with the port. */
  async start(): Promise<number> {
    this.directory.start();
    this.teams.start();
    await this.keys.start();
    await this.redis
      ?.connect()
      .catch((error: unknown) => this.log.warn({ error: logError(error) }, 'Redis is unreachable'));
    // Expired sessions and abandoned logins are refused anyway; this only keeps the tables small.
    // Idempotent, so every replica may run it without a lease.
    const pendingLogins = new PendingLoginStore(this.db);
    const sessionStore = new SessionStore(this.db);
    this.sweeper = setInterval(() => {
      const now = new Date(this.clock.now());
      Promise.all([sessionStore.deleteExpired(now), pendingLogins.deleteExpired(now)]).catch(
        (error: unknown) => this.log.warn({ error: logError(error) }, 'Could not delete expired sessions'),
      );
    }, 15 * 60_000);
    this.sweeper.unref();
    const { config } = this;
    const publicUrl = config.PUBLIC_URL;
    const secure = publicUrl.startsWith('https:');
    this.mailer = config.SMTP_URL ? new Mailer(config.SMTP_URL, config.MAIL_FROM) : undefined;
    const invitations = new InvitationService({
      store: new InvitationStore(this.db),
      directory: this.directory,
      mailer: this.mailer,
      secret: config.GUARDIAN_ENCRYPTION_KEY,
      publicUrl,
      ttlMs: config.INVITATION_TTL_SECONDS * 1000,
      clock: this.clock,
    });
    const login = new LoginService({
      invitations,
      directory: this.directory,
      access: this.access,
      oidcClients: new OidcClients({ caFile: config.OIDC_CA_FILE }),
      pendingLogins,
      users: new UserStore(this.db),
      sessions: this.sessions,
      defaultIdp: {
        issuer: config.OIDC_ISSUER,
        clientId: config.OIDC_CLIENT_ID,
        clientSecret: config.OIDC_CLIENT_SECRET,
      },
      redirectUri: `${publicUrl}/auth/callback`,
      scope: config.OIDC_SCOPES,
      clock: this.clock,
      log: this.log,
    });
    const apiKeys = new ApiKeyService(new ApiKeyStore(this.db));
    const locks = new NameLockStore(this.db);
    const app = createApp({
      trustedProxies: config.TRUSTED_PROXIES,
      log: this.log,
      metrics: this.metrics,
      governance: this.governance,
      auth: {
        tokens: this.tokens,
        sessions: this.sessions,
        access: this.access,
        directory: this.directory,
        apiKeys,
        sessionCookie: SESSION_COOKIE,
        publicOrigin: new URL(publicUrl).origin,
      },
      authRoutes: {
        login,
        invitations,
        sessions: this.sessions,
        tokens: this.tokens,
        users: new UserStore(this.db),
        directory: this.directory,
        publicUrl,
        cookies: { session: SESSION_COOKIE, login: LOGIN_COOKIE, secure },
      },
      systemRoutes: {
        readiness: {
          database: async () => (await this.db.raw('select 1')) !== undefined,
          organizations: async () => this.directory.synced && !this.directory.stale,
          teams: async () => this.teams.synced && !this.teams.stale,
          ...(this.redis ? { redis: async () => (await this.redis?.ping()) === 'PONG' } : {}),
        },
        keys: this.keys,
        publicUrl,
        version: VERSION,
      },
      organizations: new OrganizationService({
        kube: this.kube,
        directory: this.directory,
        teams: this.teams,
        memberships: new MembershipStore(this.db),
        users: new UserStore(this.db),
        locks,
        usage: {
          seats: (orgId) => seatsUsed(this.db, orgId),
          monthly: async (org) => {
            const period = currentPeriod(org, new Date(this.clock.now())).key;
            const used = await usage(this.db, org.metadata?.name ?? '', period);
            return { agentExecutions: used.agent_executions, workflows: used.workflows, period };
          },
          history: (org, periods) => usageHistory(this.db, org, new Date(this.clock.now()), periods),
        },
        selfServiceSignup: config.GUARDIAN_SELF_SERVICE_SIGNUP,
      }),
      teams: new TeamService({ kube: this.kube, directory: this.teams, locks }),
      members: new MemberService({
        directory: this.directory,
        memberships: new MembershipStore(this.db),
        defaultIssuer: config.OIDC_ISSUER,
      }),
      apiKeys,
      invitations,
    });
    this.server = createServer(app.callback());
    // Longer than a typical load balancer's idle timeout, so it closes idle connections first.
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((listening, failed) => {
      this.server?.once('error', failed);
      this.server?.listen(config.PORT, config.HOST, listening);
    });
    const { port } = this.server.address() as AddressInfo;
    this.log.info({ address: `${config.HOST}:${port}`, publicUrl }, 'Platform API listening');
    return port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    }
    clearInterval(this.sweeper);
    this.keys.stop();
    this.directory.stop();
    this.teams.stop();
    this.mailer?.close();
    this.redis?.disconnect();
    await this.governance.close();
    await this.db.destroy();
    await this.kube.close();
  }
}
