import { hostname } from 'node:os';
import { labelSelectorError } from '@guardian/kube/selector';
import { key32, postgresUrl } from '@guardian/platform/config';
import { storageEnv, storageTarget } from '@guardian/platform/storage';
import { parseTenantServers } from '@guardian/platform/tenant-db';
import { z } from 'zod';
import { DEFAULT_DELETION_GRACE_SECONDS } from './controllers/organization.deletion.ts';
import { parseCron } from './runtime/cron.ts';

const port = z.coerce.number().int().min(1).max(65_535);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const seconds = (fallback: number) => z.coerce.number().min(0.1).max(600).default(fallback);

/** The operator's configuration: environment first, flags override (`--metrics-port 9000`). */
export const operatorConfig = z
  .object({
    OPERATOR_METRICS_PORT: port.default(8081),
    OPERATOR_PROBE_ADDRESS: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
    /** Where the leader Lease lives: the operator's own namespace. */
    OPERATOR_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(63)
      .default('guardian-system'),
    /** The operator's own ServiceAccount there, which may act as tenants' agents (impersonation). */
    OPERATOR_SERVICE_ACCOUNT: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(253)
      .default('guardian-operator'),
    LEADER_ELECT: bool.default(true),
    /**
     * Leader election's timing, as client-go's: a standby takes over once the Lease has not been
     * renewed for the lease duration; the leader gives up when it cannot renew within the deadline,
     * and tries every retry period.
     */
    LEADER_ELECT_LEASE_DURATION_SECONDS: seconds(15),
    LEADER_ELECT_RENEW_DEADLINE_SECONDS: seconds(10),
    LEADER_ELECT_RETRY_PERIOD_SECONDS: seconds(2),
    /**
     * The platform database, as the platform's app role (guardian_app): workflow runs count their
     * units in its usage ledger, write the audit trail and take concurrency slots there.
     */
    DATABASE_URL: postgresUrl,
    /** The platform's key: the operator signs the audit trail's head and checkpoints with it. */
    GUARDIAN_ENCRYPTION_KEY: key32,
    /** This replica's identity in the Lease; the Pod name in a cluster. */
    POD_NAME: z.string().min(1).max(253).default(`${hostname()}-${process.pid}`),
    /** How often every cached object is reconciled again, so drift is repaired without an event. */
    OPERATOR_RESYNC_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    /**
     * How long an organization whose deletion was requested through the API (spec.deletion) stays
     * restorable before the operator deletes it. `kubectl delete` does not wait for it.
     */
    OPERATOR_DELETION_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(31_536_000)
      .default(DEFAULT_DELETION_GRACE_SECONDS),
    /** Organizations reconciled at once (each waits mostly on the apiserver and Postgres). */
    OPERATOR_WORKERS: z.coerce.number().int().min(1).max(64).default(8),
    /**
     * The Organizations this operator reconciles, as a label selector (empty: all of them): several
     * installs (or test suites) in one cluster each reconcile their own.
     */
    OPERATOR_ORGANIZATION_SELECTOR: z
      .string()
      .max(1024)
      .default('')
      .superRefine((value, ctx) => {
        const error = labelSelectorError(value);
        if (error) ctx.addIssue({ code: 'custom', message: error });
      }),
    /** Prefix of people in RBAC subjects: the apiserver's OIDC username and groups prefix. */
    OIDC_SUBJECT_PREFIX: z.string().max(32).default('oidc:'),
    /** Guardian's namespace, from which the tenants' NetworkPolicies admit traffic. */
    PLATFORM_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(63)
      .default('guardian-system'),
    /** Tenant database servers, `name=postgres://provisioner@host/postgres,...` (the provisioning role). */
    TENANT_DB_SERVERS: z
      .string()
      .min(1)
      .transform((value, ctx) => {
        try {
          return parseTenantServers(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid' });
          return z.NEVER;
        }
      }),
    /**
     * Each tenant role's CONNECTION LIMIT: platform replicas × 2 pooled connections, plus the
     * operator's migrations.
     */
    TENANT_DB_CONNECTION_LIMIT: z.coerce.number().int().min(2).max(1000).default(8),
    /**
     * The platform's ServiceAccount (in PLATFORM_NAMESPACE), allowed to read each org's tenant
     * database Secret and SSO client secret, and to act as its agent (impersonation).
     */
    PLATFORM_SERVICE_ACCOUNT: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(253)
      .default('guardian-platform'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    /** Organizations' object storage: S3 (S3_ENDPOINT and its admin account) or a folder (STORAGE_DIR). */
    ...storageEnv,
    /** Encrypts backups: 32 random bytes in base64. Without it no backup is taken. */
    BACKUP_ENCRYPTION_KEY: key32.optional(),
    /** The default backup schedule of organizations without spec.backup.schedule (empty: none). */
    BACKUP_SCHEDULE: z
      .string()
      .max(100)
      .default('')
      .superRefine((value, ctx) => {
        if (!value) return;
        try {
          parseCron(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid' });
        }
      }),
    /** The default number of backups kept of organizations without spec.backup.retention. */
    BACKUP_RETENTION: z.coerce.number().int().min(1).max(1000).default(7),
    /** Backups run at once (each is a pg_dump and an upload). */
    BACKUP_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  })
  .superRefine((config, ctx) => {
    try {
      storageTarget(config);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_ENDPOINT'],
        message: error instanceof Error ? error.message : 'invalid',
      });
    }
  })
  .refine(
    (config) =>
      config.LEADER_ELECT_RETRY_PERIOD_SECONDS < config.LEADER_ELECT_RENEW_DEADLINE_SECONDS &&
      config.LEADER_ELECT_RENEW_DEADLINE_SECONDS < config.LEADER_ELECT_LEASE_DURATION_SECONDS,
    {
      path: ['LEADER_ELECT_RENEW_DEADLINE_SECONDS'],
      message: 'leader election needs retry period < renew deadline < lease duration',
    },
  );

export type OperatorConfig = z.infer<typeof operatorConfig>;

export const operatorFlags = {
  'metrics-port': 'OPERATOR_METRICS_PORT',
  'probe-address': 'OPERATOR_PROBE_ADDRESS',
  namespace: 'OPERATOR_NAMESPACE',
  'service-account': 'OPERATOR_SERVICE_ACCOUNT',
  'leader-elect': 'LEADER_ELECT',
  'leader-elect-lease-duration': 'LEADER_ELECT_LEASE_DURATION_SECONDS',
  'leader-elect-renew-deadline': 'LEADER_ELECT_RENEW_DEADLINE_SECONDS',
  'leader-elect-retry-period': 'LEADER_ELECT_RETRY_PERIOD_SECONDS',
  'resync-seconds': 'OPERATOR_RESYNC_SECONDS',
  'deletion-grace-seconds': 'OPERATOR_DELETION_GRACE_SECONDS',
  workers: 'OPERATOR_WORKERS',
  'organization-selector': 'OPERATOR_ORGANIZATION_SELECTOR',
  'oidc-subject-prefix': 'OIDC_SUBJECT_PREFIX',
  'platform-namespace': 'PLATFORM_NAMESPACE',
  'platform-service-account': 'PLATFORM_SERVICE_ACCOUNT',
  'log-level': 'LOG_LEVEL',
} as const;
