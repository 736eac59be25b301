import type { KubeClient } from '@guardian/kube/client';
import { ApiError } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { TenantPools } from '../tenant-db/pools.ts';
import { DATABASE_SECRET } from '../tenant-db/servers.ts';

const GIB = 1024 ** 3;

export type StorageReading = { gib: number } | { gib: null; note: string };

/**
 * The size of an organization's tenant database, measured with its own credentials (the Secret
 * `guardian-database` in `org-<org>`), which the operator's per-organization Role lets the
 * platform's ServiceAccount read. Where it cannot (another identity, the Secret not there yet),
 * storage reads as not measured, with the reason.
 */
export async function tenantStorage(
  kube: KubeClient,
  pools: TenantPools,
  orgId: string,
): Promise<StorageReading> {
  let url: string | undefined;
  try {
    const secret = await kube.get<KubeObject & { data?: Record<string, string> }>(
      core.secret,
      DATABASE_SECRET,
      `org-${orgId}`,
    );
    const encoded = secret.data?.url;
    url = encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
      return {
        gib: null,
        note:
          error.status === 403
            ? 'not measured: the platform may not read the tenant database Secret'
            : 'not measured: the tenant database is not provisioned yet',
      };
    }
    throw new Error(`Could not read the database Secret of organization ${orgId}`, { cause: error });
  }
  if (!url) return { gib: null, note: 'not measured: the tenant database Secret holds no url' };
  const result = await pools
    .get(orgId, url)
    .raw<{ rows: Array<{ bytes: string }> }>('SELECT pg_database_size(current_database())::text AS bytes');
  const bytes = Number(result.rows[0]?.bytes ?? 0);
  return { gib: Math.round((bytes / GIB) * 1000) / 1000 };
}
