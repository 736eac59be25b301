import { z } from 'zod';
import { parseAllowedCidrs } from './outbound/guard.ts';

// Parsing is shared with the operator (@guardian/kube/env); the schemas are the platform's.
export { ConfigError, parseConfig } from '@guardian/kube/env';

export const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' });
export const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });

export const databaseConfig = z.object({
  /** The platform's own connection: the `guardian_app` role, which owns nothing. */
  DATABASE_URL: postgresUrl,
});

export const migrationConfig = z.object({
  /** The owner role that runs migrations and owns the tables. */
  DATABASE_ADMIN_URL: postgresUrl,
  /** The role the platform connects as, granted row access by the migrations. */
  DATABASE_URL: postgresUrl,
});

export const redisConfig = z.object({ REDIS_URL: redisUrl });

const port = z.coerce.number().int().min(1).max(65_535);
const emails = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
  )
  .refine((list) => list.every((email) => z.email().safeParse(email).success), {
    error: 'must be a comma-separated list of email addresses',
  });
/** GUARDIAN_ENCRYPTION_KEY: 32 random bytes in base64 (the platform's, and the operator's for the audit trail). */
export const key32 = z
  .string()
  .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, {
    error: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
  })
  .transform((value) => Buffer.from(value, 'base64'));

/** `true` or `false`, as the chart writes booleans into the environment. */
const flag = (byDefault: boolean) =>
  z
    .enum(['true', 'false'])
    .default(byDefault ? 'true' : 'false')
    .transform((value) => value === 'true');

const amount = z.number().min(0, { error: 'must be a non-negative amount' });

/**
 * The installation's prices and thresholds of the cost agents (the chart's `agents.prices`, as
 * JSON): the rules of the Organization CRD's `spec.agents.prices`.
 */
export const agentPrices = z
  .strictObject({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: 'must be a currency code of three capital letters, e.g. EUR' })
      .optional(),
    cpuCore: amount.optional(),
    memoryGiB: amount.optional(),
    storageGiB: amount.optional(),
    loadBalancer: amount.optional(),
    thresholds: z
      .strictObject({ workloadMonthly: amount.optional(), hpaCeilingMonthly: amount.optional() })
      .optional(),
  })
  .refine(
    (prices) =>
      prices.currency === undefined ||
      [
        prices.cpuCore,
        prices.memoryGiB,
        prices.storageGiB,
        prices.loadBalancer,
        prices.thresholds?.workloadMonthly,
        prices.thresholds?.hpaCeilingMonthly,
      ].every((value) => value !== undefined),
    {
      error:
        'currency needs every price and threshold beside it (cpuCore, memoryGiB, storageGiB, loadBalancer, thresholds.workloadMonthly, thresholds.hpaCeilingMonthly)',
    },
  );
export type AgentPrices = z.infer<typeof agentPrices>;

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/**
 * `guardian platform`: the HTTP API. Each variable's `describe()` is its line in
 * `guardian platform --help`. Kubernetes credentials are not here: they come from KUBECONFIG or,
 * in a Pod, its ServiceAccount (@guardian/kube/kubeconfig).
 */
export const platformConfig = z
  .object({
    PORT: port.default(8080).describe('The port the API listens on (also --port).'),
    METRICS_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(9090)
      .describe(
        'The port of /metrics (Prometheus), on HOST, apart from the API: the API port answers 404 there (also --metrics-port; 0 picks a free one).',
      ),
    HOST: z
      .union([z.ipv4(), z.ipv6(), z.literal('localhost')])
      .default('127.0.0.1')
      .describe(
        'The address it listens on (also --host). Loopback by default: exposing the API is a deliberate act (a Service, a proxy).',
      ),
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional()
      .describe(
        'Where browsers reach the API: the OIDC redirect URI, the token issuer, Secure cookies when https. Default: http://127.0.0.1:<PORT>.',
      ),
    DATABASE_URL: postgresUrl.describe(
      'The platform database, as the guardian_app role, which owns nothing (run guardian migrate first).',
    ),
    REDIS_URL: redisUrl
      .optional()
      .describe(
        'Redis for the hourly API rate limiter. Required while any plan (QuotaPolicy) sets apiCallsPerHour: without it the platform refuses to start, and reports not ready (logging an error naming the plans) when a plan gains a limit later.',
      ),
    REDIS_KEY_PREFIX: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9:_.-]*$/, 'letters, digits and : _ . - only')
      .default('')
      .describe(
        'Put before every key this instance writes to Redis, for instances that share one Redis (each sees only its own limits and audit throttles).',
      ),
    RATE_LIMIT_ON_REDIS_ERROR: z
      .enum(['open', 'closed'])
      .default('closed')
      .describe(
        'When Redis fails: refuse rate-limited requests with 503 (closed) or let them through unlimited (open).',
      ),
    OIDC_ISSUER: z
      .url({ protocol: /^https$/, error: 'must be an https:// issuer URL' })
      .describe('The instance’s default identity provider (https).'),
    OIDC_CLIENT_ID: z.string().min(1).describe('The platform’s client at the default identity provider.'),
    OIDC_CLIENT_SECRET: z.string().min(1).describe('Its client secret.'),
    OIDC_SCOPES: z
      .string()
      .regex(/^openid( [\x21-\x7e]+)*$/, { error: 'must start with openid' })
      .default('openid email profile groups')
      .describe('Scopes asked of every identity provider; groups carries the claims roles map from.'),
    OIDC_CA_FILE: z
      .string()
      .min(1)
      .optional()
      .describe('A PEM file of extra CAs trusted for calls to identity providers (e.g. a private PKI).'),
    OIDC_SUBJECT_PREFIX: z
      .string()
      .max(32)
      .default('oidc:')
      .describe(
        'The apiserver’s OIDC username prefix: a kubectl WorkflowApproval by <prefix><email> is the user with that verified email at the default issuer.',
      ),
    OUTBOUND_ALLOWED_CIDRS: z
      .string()
      .max(4096)
      .default('')
      .transform((value, ctx) => {
        try {
          return parseAllowedCidrs(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid' });
          return z.NEVER;
        }
      })
      .describe(
        'Private, loopback or link-local addresses the platform may still send requests to (identity providers), comma-separated IPs or CIDRs, e.g. an in-cluster IdP. Every other such address is refused after DNS resolution.',
      ),
    GUARDIAN_SUPER_ADMINS: emails.describe(
      'Super admins, comma-separated: verified emails at the default issuer, never at an organization’s own.',
    ),
    GUARDIAN_ENCRYPTION_KEY: key32.describe(
      'Encrypts the token signing keys at rest and keys the audit checkpoints: 32 random bytes in base64 (openssl rand -base64 32). No default: a known key protects nothing.',
    ),
    BACKUP_ENCRYPTION_KEY: key32
      .optional()
      .describe(
        'The key backups are encrypted with (the operator’s), for restores through POST /admin/backups/{id}/restore: 32 random bytes in base64. Without it restores answer 503.',
      ),
    TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(86_400)
      .default(900)
      .describe('Lifetime of platform access tokens; also how early a new signing key is published.'),
    SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(30 * 86_400)
      .default(8 * 3600)
      .describe('Lifetime of a browser session.'),
    TRUSTED_PROXIES: z.coerce
      .number()
      .int()
      .min(0)
      .max(10)
      .default(0)
      .describe(
        'Reverse proxies in front of the API (an Ingress controller, a Gateway) whose X-Forwarded-For entries are trusted, counted from the right: client addresses (audit, limits) come from there. 0 trusts none, and the address is the connection’s peer.',
      ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino’s level: JSON logs, one line per request.'),
    SMTP_URL: z
      .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
      .optional()
      .describe(
        'Where invitation mail goes out (smtp:// uses STARTTLS when offered; smtps://). Unset: invitations answer 503.',
      ),
    MAIL_FROM: z
      .string()
      .min(3)
      .default('Guardian <guardian@localhost>')
      .describe('The sender of that mail.'),
    INVITATION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(30 * 86_400)
      .default(7 * 86_400)
      .describe('How long an invitation link works.'),
    CHAT_SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(90 * 86_400)
      .default(86_400)
      .describe(
        'How long a chat session lives after its last message: then it is gone from GET /chat/sessions, and its id opens a new, empty session.',
      ),
    WEBHOOK_WORKERS: z.coerce
      .number()
      .int()
      .min(0)
      .max(64)
      .default(4)
      .describe(
        'Webhook endpoint queues this replica delivers at once (each endpoint by one replica at a time, in order); 0: this replica delivers none.',
      ),
    WEBHOOK_POLL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .max(60_000)
      .default(1_000)
      .describe('How often an idle webhook worker looks for due deliveries.'),
    WEBHOOK_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(10_000)
      .describe(
        'How long one webhook delivery attempt may take, connecting and answering; a worker’s lease on an endpoint lasts three of these.',
      ),
    WEBHOOK_RETRY_BASE_MS: z.coerce
      .number()
      .int()
      .min(10)
      .max(3_600_000)
      .default(5_000)
      .describe(
        'The wait after a delivery’s first failure; it doubles after each further one, up to an hour.',
      ),
    WEBHOOK_RETRY_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .default(86_400)
      .describe(
        'How long a failing delivery is retried; then it is failed and its endpoint disabled, with an audit entry (webhook.disabled).',
      ),
    ANALYTICS_ROLLUP_INTERVAL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(600)
      .describe(
        'How often the analytics rollup runs (once per interval across all replicas): it stores each organization’s closed days and audits quotas that reached 80% or 100%.',
      ),
    GUARDIAN_SELF_SERVICE_SIGNUP: flag(false).describe(
      'Whether any signed-in user may create an organization they then own (no domains: only super admins claim domains). Off by default: an instance operator opts in.',
    ),
    CONSOLE_DIR: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The built web console (Vite’s output) served at / and the console’s pages. Default: web/dist of this installation (the image holds it; a checkout builds it with make dev).',
      ),
    AGENTS_CLUSTER_SCOPED_READS: flag(true).describe(
      'Whether the platform reads Nodes and StorageClasses with its own identity for the agents (the chart’s agents.clusterScopedReads).',
    ),
    AGENTS_PRICES: json(agentPrices)
      .optional()
      .describe(
        'The cost agents’ monthly prices and report thresholds for this installation, as JSON (the chart’s agents.prices): {"currency": "EUR", "cpuCore": 21, "memoryGiB": 2.8, "storageGiB": 0.09, "loadBalancer": 16, "thresholds": {"workloadMonthly": 45, "hpaCeilingMonthly": 450}}, each key optional (AGENTS.md section 1 gives the defaults; currency requires the rest). An Organization’s spec.agents.prices overrides them.',
      ),
  })
  .superRefine((config, ctx) => {
    // Behind a proxy (TRUSTED_PROXIES) browsers speak https to the proxy: an http:// PUBLIC_URL would
    // set cookies without Secure (and without the __Host- prefix) and an http redirect URI.
    const url = config.PUBLIC_URL ? new URL(config.PUBLIC_URL) : undefined;
    if (url?.protocol === 'http:' && config.TRUSTED_PROXIES > 0 && !isLoopbackHost(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message:
          'is http:// while TRUSTED_PROXIES says a proxy is in front: a TLS-terminating proxy needs the https:// URL browsers use, so session cookies are Secure',
      });
    }
  })
  .transform((config) => ({
    ...config,
    PUBLIC_URL: (config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, ''),
  }));

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export type PlatformConfig = z.infer<typeof platformConfig>;
