import { z } from 'zod';
import type { S3Access } from './s3-store.ts';

/**
 * Where organizations' objects go: an S3-compatible server (with an admin account that creates
 * each organization's account and bucket), a folder (a filesystem target, e.g. a
 * PersistentVolumeClaim), or nowhere (no backups).
 */
export type StorageTarget =
  | { kind: 's3'; admin: S3Access; bucketPrefix: string }
  | { kind: 'filesystem'; root: string }
  | { kind: 'none' };

/** The environment of a storage target; every command that provisions storage parses it. */
export const storageEnv = {
  /** An S3-compatible endpoint (http or https): the S3 target. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  S3_REGION: z.string().min(1).max(64).default('us-east-1'),
  /** The admin account: it creates each organization's account and bucket (versitygw: its root account). */
  S3_ACCESS_KEY_ID: z.string().min(1).max(128).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).max(256).optional(),
  /** Buckets are `<prefix>org-<org>` (and `<prefix>platform`): lowercase letters, digits and '-'. */
  S3_BUCKET_PREFIX: z
    .string()
    .regex(/^([a-z0-9][a-z0-9-]{0,19})?$/, {
      error: 'must be at most 20 lowercase letters, digits and "-", starting with a letter or digit',
    })
    .default('guardian-'),
  /** A folder: the filesystem target (instead of S3). */
  STORAGE_DIR: z.string().startsWith('/', { error: 'must be an absolute path' }).optional(),
};

const storageSchema = z.object(storageEnv);
type StorageEnv = z.output<typeof storageSchema>;

/** The target the parsed environment names; an incomplete or ambiguous one is an error. */
export function storageTarget(env: StorageEnv): StorageTarget {
  if (env.S3_ENDPOINT && env.STORAGE_DIR)
    throw new Error('S3_ENDPOINT and STORAGE_DIR are both set: choose one storage target');
  if (env.S3_ENDPOINT) {
    if (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)
      throw new Error('S3_ENDPOINT needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (the admin account)');
    return {
      kind: 's3',
      admin: {
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      },
      bucketPrefix: env.S3_BUCKET_PREFIX,
    };
  }
  if (env.STORAGE_DIR) return { kind: 'filesystem', root: env.STORAGE_DIR };
  return { kind: 'none' };
}
