import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { FileObjectStore } from './file-store.ts';
import { organizationBucket, organizationFolder, PLATFORM_FOLDER, platformBucket } from './names.ts';
import type { ObjectStore } from './object-store.ts';
import { isS3Error, S3ObjectStore, s3Client } from './s3-store.ts';
import type { StorageCredentials } from './secret.ts';
import type { StorageTarget } from './target.ts';
import { VersityAdmin } from './versitygw.ts';

/**
 * Marks a bucket (or folder) as one organization's, by uid, so that one retained from a deleted
 * organization is never handed to a namesake (as with tenant databases).
 */
export const ORGANIZATION_MARKER = 'guardian/organization.json';

export class StorageConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConflict';
  }
}

/**
 * Provisions each organization's object storage: on S3, an account of its own (versitygw's `user`
 * role) owning a bucket of its own, so its credentials reach that bucket only; on a filesystem, a
 * folder (the operator's and platform's volume; no credentials to hand out). Acts as the admin
 * account; the organization's credentials are the Secret's, decided by the caller.
 */
export class StorageProvisioner {
  readonly target: StorageTarget;
  private readonly admin: VersityAdmin | undefined;
  private readonly root: S3Client | undefined;

  constructor(target: StorageTarget) {
    this.target = target;
    if (target.kind === 's3') {
      this.admin = new VersityAdmin(target.admin);
      this.root = s3Client(target.admin);
    }
  }

  get configured(): boolean {
    return this.target.kind !== 'none';
  }

  /** Where the organization's objects are, for messages. */
  describe(org: string): string {
    const { target } = this;
    if (target.kind === 's3') return `bucket ${organizationBucket(target.bucketPrefix, org)}`;
    if (target.kind === 'filesystem') return `folder ${join(target.root, organizationFolder(org))}`;
    return 'nowhere';
  }

  /** The organization's credentials, keeping the secret key it has (the Secret is the source of truth). */
  credentials(org: string, secretKey: string): StorageCredentials {
    const { target } = this;
    if (target.kind === 's3') {
      const bucket = organizationBucket(target.bucketPrefix, org);
      const { endpoint, region } = target.admin;
      return { type: 's3', endpoint, region, bucket, accessKeyId: bucket, secretAccessKey: secretKey };
    }
    if (target.kind === 'filesystem')
      return { type: 'filesystem', path: join(target.root, organizationFolder(org)) };
    throw new Error('No storage target is configured');
  }

  /**
   * Brings the organization's account (with the Secret's key), its bucket owned by that account,
   * and the marker in place. Throws StorageConflict when the bucket is someone else's.
   */
  async ensure(org: string, uid: string, credentials: StorageCredentials): Promise<void> {
    if (credentials.type === 's3') {
      const { admin } = this.requireS3();
      await admin.ensureAccount(credentials.accessKeyId, credentials.secretAccessKey);
      const { owner } = await admin.createBucket(credentials.bucket, credentials.accessKeyId);
      if (owner !== credentials.accessKeyId)
        throw new StorageConflict(
          `Bucket ${credentials.bucket} belongs to account ${owner || '(unknown)'}; it is never handed over`,
        );
    } else {
      await mkdir(credentials.path, { recursive: true, mode: 0o700 });
    }
    const store = this.adminStore(org);
    const marker = await readMarker(store);
    if (marker && marker.uid !== uid)
      throw new StorageConflict(
        `${this.describe(org)} belongs to another organization named ${org} (uid ${marker.uid}, retained earlier?); it is never handed over. Remove it to proceed.`,
      );
    if (!marker) await store.put(ORGANIZATION_MARKER, JSON.stringify({ organization: org, uid }));
  }

  /**
   * Deletes the organization's objects, bucket (or folder) and account, unless the marker names
   * another organization. Resolves whether anything was the organization's to delete.
   */
  async remove(org: string, uid: string): Promise<boolean> {
    const { target } = this;
    if (target.kind === 'none') return false;
    const store = this.adminStore(org);
    const marker = await readMarker(store).catch((error: unknown) => {
      if (isS3Error(error, 'NoSuchBucket')) return null;
      throw error;
    });
    if (marker === null || (marker && marker.uid !== uid)) return false;
    if (target.kind === 'filesystem') {
      await rm(join(target.root, organizationFolder(org)), { recursive: true, force: true });
      return true;
    }
    const { admin, root } = this.requireS3();
    const bucket = organizationBucket(target.bucketPrefix, org);
    await store.discardUnfinished('');
    await store.delete((await store.list('')).map((object) => object.key));
    await root.send(new DeleteBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
      if (!isS3Error(error, 'NoSuchBucket')) throw error;
    });
    await admin.deleteAccount(bucket);
    return true;
  }

  /** The organization's store as the admin account sees it (the operator's own access). */
  adminStore(org: string): ObjectStore {
    const { target } = this;
    if (target.kind === 's3')
      return new S3ObjectStore(this.requireS3().root, organizationBucket(target.bucketPrefix, org));
    if (target.kind === 'filesystem') return new FileObjectStore(join(target.root, organizationFolder(org)));
    throw new Error('No storage target is configured');
  }

  /** The store of the platform database's backups, created on first use; the admin account's. */
  async platformStore(): Promise<ObjectStore> {
    const { target } = this;
    if (target.kind === 'filesystem') {
      const path = join(target.root, PLATFORM_FOLDER);
      await mkdir(path, { recursive: true, mode: 0o700 });
      return new FileObjectStore(path);
    }
    const { root } = this.requireS3();
    const bucket = platformBucket(this.requireS3().prefix);
    await root.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
      if (!isS3Error(error, 'BucketAlreadyOwnedByYou')) throw error;
    });
    return new S3ObjectStore(root, bucket);
  }

  private requireS3(): { admin: VersityAdmin; root: S3Client; prefix: string } {
    if (this.target.kind !== 's3' || !this.admin || !this.root) throw new Error('No S3 target is configured');
    return { admin: this.admin, root: this.root, prefix: this.target.bucketPrefix };
  }
}

/** The marker's uid; undefined when there is none (a crash right after creating the bucket). */
async function readMarker(store: ObjectStore): Promise<{ uid: string } | undefined> {
  const data = await store.read(ORGANIZATION_MARKER);
  if (!data) return undefined;
  const parsed = JSON.parse(data.toString('utf8')) as { uid?: unknown };
  return { uid: typeof parsed.uid === 'string' ? parsed.uid : '' };
}
