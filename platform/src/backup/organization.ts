import { ApiError, type KubeClient } from '@guardian/kube/client';
import { organizationStore } from '../storage/secret.ts';
import { migrateTenantDatabase, TENANT_MIGRATIONS } from '../tenant-db/migrations.ts';
import { tenantDatabaseUrl } from '../tenant-db/secret.ts';
import { listBackups } from './catalog.ts';
import { type BackupManifest, backupOwner, PLATFORM_OWNER } from './manifest.ts';
import { BackupNotFound, type RestoreResult, restoreDatabase } from './restore.ts';

/** The organization to restore into has no tenant database (yet): nothing to restore into. */
export class TargetNotProvisioned extends Error {
  constructor(org: string) {
    super(`Organization ${org} has no tenant database yet; restore into it once it is Ready`);
    this.name = 'TargetNotProvisioned';
  }
}

const absent = (error: unknown) => error instanceof ApiError && error.status === 404;

/** The complete backups of an organization, newest first (none where it has no storage). */
export async function organizationBackups(kube: KubeClient, org: string): Promise<BackupManifest[]> {
  const store = await organizationStore(kube, org);
  return store ? listBackups(store) : [];
}

/**
 * Restores backup `id` (of the organization it names) into organization `into` (by default the
 * same one, whose data it replaces), with the credentials those organizations' Secrets hold: the
 * source's storage, the target's database role. Nothing of the source stays reachable from the
 * target: the restored objects belong to the target's role, and the source's credentials are
 * neither needed in nor copied to it.
 */
export async function restoreOrganizationBackup(
  kube: KubeClient,
  key: Buffer,
  id: string,
  into?: string,
): Promise<RestoreResult & { source: string; target: string }> {
  const source = backupOwner(id);
  if (!source || source === PLATFORM_OWNER) throw new BackupNotFound(id);
  const target = into ?? source;
  const store = await organizationStore(kube, source);
  if (!store) throw new BackupNotFound(id);
  const url = await tenantDatabaseUrl(kube, target).catch((error: unknown) => {
    if (absent(error)) return undefined;
    throw error;
  });
  if (!url) throw new TargetNotProvisioned(target);
  const result = await restoreDatabase({
    store,
    key,
    id,
    url,
    migrations: TENANT_MIGRATIONS,
    migrate: migrateTenantDatabase,
  });
  return { ...result, source, target };
}
