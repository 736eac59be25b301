import type { KubeClient } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import { DATABASE_SECRET } from './servers.ts';

/**
 * The URL of an organization's tenant database, as its own role (the Secret `guardian-database`
 * in `org-<org>`); undefined when the Secret holds none. A missing or unreadable Secret rejects
 * with the apiserver's error (404, 403) for the caller to judge.
 */
export async function tenantDatabaseUrl(kube: KubeClient, org: string): Promise<string | undefined> {
  const secret = await kube.get<KubeObject & { data?: Record<string, string> }>(
    core.secret,
    DATABASE_SECRET,
    `org-${org}`,
  );
  const encoded = secret.data?.url;
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}
