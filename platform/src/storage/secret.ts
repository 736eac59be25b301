import type { KubeClient } from '@guardian/kube/client';
import { ApiError } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import { FileObjectStore } from './file-store.ts';
import { STORAGE_SECRET } from './names.ts';
import type { ObjectStore } from './object-store.ts';
import { type S3Access, S3ObjectStore, s3Client } from './s3-store.ts';

/** What the Secret `guardian-storage` of an organization holds. */
export type StorageCredentials =
  | ({ type: 's3'; bucket: string } & S3Access)
  | { type: 'filesystem'; path: string };

/** The Secret's data (base64, as Kubernetes stores it). */
export function storageSecretData(credentials: StorageCredentials): Record<string, string> {
  const values: Record<string, string> =
    credentials.type === 's3'
      ? {
          type: 's3',
          endpoint: credentials.endpoint,
          region: credentials.region,
          bucket: credentials.bucket,
          'access-key-id': credentials.accessKeyId,
          'secret-access-key': credentials.secretAccessKey,
        }
      : { type: 'filesystem', path: credentials.path };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
}

/** Reads the Secret's data back; undefined when it is incomplete. */
export function parseStorageSecret(data: Record<string, string> | undefined): StorageCredentials | undefined {
  const value = (key: string) => {
    const encoded = data?.[key];
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  };
  if (value('type') === 'filesystem') {
    const path = value('path');
    return path ? { type: 'filesystem', path } : undefined;
  }
  const [endpoint, region, bucket, accessKeyId, secretAccessKey] = [
    'endpoint',
    'region',
    'bucket',
    'access-key-id',
    'secret-access-key',
  ].map(value);
  if (value('type') !== 's3' || !endpoint || !region || !bucket || !accessKeyId || !secretAccessKey)
    return undefined;
  return { type: 's3', endpoint, region, bucket, accessKeyId, secretAccessKey };
}

/** The object store these credentials open. */
export function storeWith(credentials: StorageCredentials): ObjectStore {
  return credentials.type === 's3'
    ? new S3ObjectStore(s3Client(credentials), credentials.bucket)
    : new FileObjectStore(credentials.path);
}

/**
 * An organization's object store, opened with its own credentials (the Secret `guardian-storage`
 * in `org-<org>`); undefined when it has none (no storage configured, or not provisioned yet).
 */
export async function organizationStore(kube: KubeClient, org: string): Promise<ObjectStore | undefined> {
  try {
    const secret = await kube.get<KubeObject & { data?: Record<string, string> }>(
      core.secret,
      STORAGE_SECRET,
      `org-${org}`,
    );
    const credentials = parseStorageSecret(secret.data);
    return credentials && storeWith(credentials);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}
