import { z } from 'zod';

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
const key32 = z
  .string()
  .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, {
    error: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
  })
  .transform((value) => Buffer.from(value, 'base64'));

/**
 * `guardian platform`: the HTTP API. Kubernetes credentials are not here: they come from
 * KUBECONFIG or, in a Pod, its ServiceAccount (@guardian/kube/kubeconfig).
 */
export const platformConfig = z
  .object({
    PORT: port.default(8080),
    /** Loopback by default: exposing the API is a deliberate act (a Service, a proxy). */
    HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
    /** Where browsers reach the API: the OIDC redirect URI, the token issuer, cookie security. */
    PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    DATABASE_URL: postgresUrl,
    /** Only checked by /readyz until the rate limiter arrives. */
    REDIS_URL: redisUrl.optional(),
    /** The instance's default identity provider. */
    OIDC_ISSUER: z.url({ protocol: /^https$/, error: 'must be an https:// issuer URL' }),
    OIDC_CLIENT_ID: z.string().min(1),
    OIDC_CLIENT_SECRET: z.string().min(1),
    /** Scopes asked of every identity provider; `groups` carries the group claims roles map from. */
    OIDC_SCOPES: z
      .string()
      .regex(/^openid( [\x21-\x7e]+)*$/, { error: 'must start with openid' })
      .default('openid email profile groups'),
    /** A PEM file of extra CAs trusted for calls to identity providers (e.g. a private PKI). */
    OIDC_CA_FILE: z.string().min(1).optional(),
    /** Super admins: verified emails at the default issuer, never at an organization's own IdP. */
    GUARDIAN_SUPER_ADMINS: emails,
    /** Encrypts the token signing keys at rest (AES-256-GCM). No default: a known key protects nothing. */
    GUARDIAN_ENCRYPTION_KEY: key32,
    /** Lifetime of platform access tokens; also how early a new signing key is published. */
    TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    /** Lifetime of a browser session. */
    SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(30 * 86_400)
      .default(8 * 3600),
    /**
     * Reverse proxies in front of the API (an Ingress controller, a Gateway) whose X-Forwarded-For
     * entries are trusted, counted from the right: client addresses (audit, limits) come from
     * there. 0 trusts none, and the address is the connection's peer.
     */
    TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** When Redis fails, refuse rate-limited requests with 503 (closed) or let them through (open). */
    RATE_LIMIT_ON_REDIS_ERROR: z.enum(['open', 'closed']).default('closed'),
    /**
     * Whether any signed-in user may create an organization they then own (no domains: only super
     * admins claim domains). Off by default: an instance operator opts in to self-service signup.
     */
    /** Where invitation mail goes out (smtp:// uses STARTTLS when offered; smtps://). Unset: no invitations. */
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
    MAIL_FROM: z.string().min(3).default('Guardian <guardian@localhost>'),
    /** How long an invitation link works. */
    INVITATION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(30 * 86_400)
      .default(7 * 86_400),
    GUARDIAN_SELF_SERVICE_SIGNUP: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
  })
  .transform((config) => ({
    ...config,
    PUBLIC_URL: (config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, ''),
  }));

export type PlatformConfig = z.infer<typeof platformConfig>;
