import type { TenantDatabases } from '../tenant-db/databases.ts';
import { TenantDatabaseUnavailable } from '../tenant-db/databases.ts';

const GIB = 1024 ** 3;

export type StorageReading = { gib: number } | { gib: null; note: string };

/**
 * The size of an organization's tenant database, measured with its own credentials (the Secret
 * `guardian-database` in `org-<org>`, through TenantDatabases). Where it cannot (another identity,
 * the Secret not there yet), storage reads as not measured, with the reason.
 */
export async function tenantStorage(databases: TenantDatabases, orgId: string): Promise<StorageReading> {
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
  const bytes = Number(result.rows[0]?.bytes ?? 0);
  return { gib: Math.round((bytes / GIB) * 1000) / 1000 };
}
