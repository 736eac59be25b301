import { ApiError, type KubeClient } from '@guardian/kube/client';
import { storedBytes } from '../storage/object-store.ts';
import { organizationStore } from '../storage/secret.ts';
import type { TenantDatabases } from '../tenant-db/databases.ts';
import { TenantDatabaseUnavailable } from '../tenant-db/databases.ts';

const GIB = 1024 ** 3;

export type StorageReading = { gib: number } | { gib: null; note: string };

/**
 * What an organization stores: its tenant database and its bucket (or folder) together, each
 * measured with its own credentials (the Secrets `guardian-database` and `guardian-storage` in
 * `org-<org>`), which the operator's per-organization Role lets the platform's ServiceAccount read.
 * Where it cannot (another identity, the database not there yet), storage reads as not measured,
 * with the reason. An organization without storage (none configured) counts its database alone.
 */
export async function tenantStorage(
  databases: TenantDatabases,
  kube: KubeClient,
  orgId: string,
): Promise<StorageReading> {
  const database = await databaseBytes(databases, orgId);
  if (typeof database !== 'number') return database;
  const bucket = await bucketBytes(kube, orgId);
  if (typeof bucket !== 'number') return bucket;
  return { gib: Math.round(((database + bucket) / GIB) * 1000) / 1000 };
}

async function databaseBytes(databases: TenantDatabases, orgId: string): Promise<number | StorageReading> {
  let db: Awaited<ReturnType<TenantDatabases['connect']>>;
  try {
    // Measuring needs no particular schema.
    db = await databases.connect(orgId, { migrate: false });
  } catch (error) {
    if (error instanceof TenantDatabaseUnavailable)
      return { gib: null, note: `not measured: ${error.message}` };
    throw error;
  }
  const result = await db.raw<{ rows: Array<{ bytes: string }> }>(
    'SELECT pg_database_size(current_database())::text AS bytes',
  );
  return Number(result.rows[0]?.bytes ?? 0);
}

/** Every object's bytes in the organization's bucket (or folder); 0 where no storage is configured. */
async function bucketBytes(kube: KubeClient, orgId: string): Promise<number | StorageReading> {
  try {
    const store = await organizationStore(kube, orgId);
    return store ? await storedBytes(store) : 0;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403)
      return { gib: null, note: 'not measured: the platform may not read the storage Secret' };
    throw new Error(`Could not measure the object storage of organization ${orgId}`, { cause: error });
  }
}
