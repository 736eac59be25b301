import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { KubeClient } from '@guardian/kube/client';
import { systemClock } from '@guardian/kube/clock';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import {
  backupDatabase,
  backupId,
  PLATFORM_OWNER,
  pruneBackups,
  restoreDatabase,
  restoreOrganizationBackup,
} from '@guardian/platform/backup';
import { key32, parseConfig, postgresUrl } from '@guardian/platform/config';
import { migrate, PLATFORM_MIGRATIONS } from '@guardian/platform/db';
import { StorageProvisioner, storageEnv, storageTarget } from '@guardian/platform/storage';
import { pino } from 'pino';
import { z } from 'zod';
import { kubeLeaseStore, LeaderElector } from '../runtime/leader.ts';

export const backupUsage = `Usage: guardian backup --platform

Backs the platform database up (pg_dump as DATABASE_BACKUP_URL, a role with pg_read_all_data and
BYPASSRLS), encrypted with BACKUP_ENCRYPTION_KEY, into the storage target (S3_ENDPOINT with its
admin account, bucket <S3_BUCKET_PREFIX>platform; or STORAGE_DIR/platform), then keeps the newest
BACKUP_RETENTION (default 7). Takes the Lease guardian-platform-backup in POD_NAMESPACE (default
guardian-system) first, so that two runs (a CronJob's, one by hand) never overlap. Organizations'
databases are backed up by the operator, on their spec.backup schedule.`;

export const restoreUsage = `Usage: guardian restore --org ORG --backup ID
       guardian restore --platform --backup ID

Restores a backup, checked first against its manifest (the key's id, size and sha256), in one
transaction, then migrated forward when it is older than this Guardian.

  --org ORG     The organization restored into: its tenant database is replaced. The backup's own
                organization (the ID starts with it) loses what was written since; another gets a
                copy owned by its own role. Reads both organizations' Secrets (KUBECONFIG).
  --platform    The platform database (DATABASE_ADMIN_URL, as its owner; DATABASE_URL's role gets
                its grants back), from the storage target's platform backups.
  --backup ID   <org>.<yyyymmddThhmmssZ> (see status.backup.lastSuccess, GET /admin/backups).

Needs BACKUP_ENCRYPTION_KEY, the key the backup was made with.`;

const keyConfig = z.object({ BACKUP_ENCRYPTION_KEY: key32 });

/** The environment of `guardian backup --platform` (the chart's CronJob sets it). */
export const platformBackupConfig = z
  .object({
    ...storageEnv,
    BACKUP_ENCRYPTION_KEY: key32,
    DATABASE_BACKUP_URL: postgresUrl,
    BACKUP_RETENTION: z.coerce.number().int().min(1).max(1000).default(7),
    POD_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .default('guardian-system'),
  })
  .superRefine((config, ctx) => {
    try {
      if (storageTarget(config).kind === 'none') throw new Error('S3_ENDPOINT or STORAGE_DIR is required');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_ENDPOINT'],
        message: error instanceof Error ? error.message : 'invalid',
      });
    }
  });

const platformRestoreConfig = z.object({
  ...storageEnv,
  BACKUP_ENCRYPTION_KEY: key32,
  DATABASE_ADMIN_URL: postgresUrl,
  DATABASE_URL: postgresUrl,
});

/** `guardian backup --platform`. */
export async function runBackup(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { platform: { type: 'boolean' } } });
  if (!values.platform) throw new Error(backupUsage);
  const config = parseConfig(platformBackupConfig);
  const log = pino({ base: { component: 'backup' } });
  const client = new KubeClient(loadClusterAccess());
  const elector = new LeaderElector(
    kubeLeaseStore(client, config.POD_NAMESPACE, 'guardian-platform-backup'),
    log,
    {
      namespace: config.POD_NAMESPACE,
      name: 'guardian-platform-backup',
      identity: `${hostname()}-${process.pid}`,
    },
  );
  try {
    await elector.acquire(() => {
      log.error('Lost the Lease guardian-platform-backup during the backup; stopping');
      process.exit(1);
    });
    const store = await new StorageProvisioner(storageTarget(config)).platformStore();
    // Named after the minute: two runs of one schedule slot are one backup.
    const at = new Date(Math.floor(systemClock.now() / 60_000) * 60_000);
    const manifest = await backupDatabase({
      store,
      key: config.BACKUP_ENCRYPTION_KEY,
      id: backupId(PLATFORM_OWNER, at),
      organization: PLATFORM_OWNER,
      url: config.DATABASE_BACKUP_URL,
      server: 'platform',
      clock: systemClock,
    });
    const pruned = await pruneBackups(store, config.BACKUP_RETENTION);
    console.log(
      `Backed up the platform database as ${manifest.id} into ${store.location} (${manifest.bytes} bytes, sha256 ${manifest.checksum.value})${pruned.length ? `; removed ${pruned.join(', ')}` : ''}`,
    );
  } finally {
    await elector.release();
    await client.close();
  }
}

/** `guardian restore --org ORG --backup ID` and `guardian restore --platform --backup ID`. */
export async function runRestore(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { org: { type: 'string' }, backup: { type: 'string' }, platform: { type: 'boolean' } },
  });
  if (!values.backup || Boolean(values.org) === Boolean(values.platform)) throw new Error(restoreUsage);
  if (values.platform) {
    const config = parseConfig(platformRestoreConfig);
    const store = await new StorageProvisioner(storageTarget(config)).platformStore();
    const result = await restoreDatabase({
      store,
      key: config.BACKUP_ENCRYPTION_KEY,
      id: values.backup,
      url: config.DATABASE_ADMIN_URL,
      migrations: PLATFORM_MIGRATIONS,
      migrate: async () => {
        await migrate(config.DATABASE_ADMIN_URL, config.DATABASE_URL);
      },
    });
    console.log(
      `Restored the platform database from ${result.manifest.id} (schema ${result.schemaBefore} → ${result.schemaAfter})`,
    );
    return;
  }
  const config = parseConfig(keyConfig);
  const client = new KubeClient(loadClusterAccess());
  try {
    const result = await restoreOrganizationBackup(
      client,
      config.BACKUP_ENCRYPTION_KEY,
      values.backup,
      values.org,
    );
    console.log(
      `Restored backup ${values.backup} of ${result.source} into ${result.target} (schema ${result.schemaBefore ?? 'none'} → ${result.schemaAfter ?? 'none'})`,
    );
  } finally {
    await client.close();
  }
}
