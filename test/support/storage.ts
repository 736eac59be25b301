import {
  DeleteBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  parseStorageSecret,
  type S3Access,
  S3ObjectStore,
  StorageProvisioner,
  s3Client,
  storageTarget,
} from '@guardian/platform/storage';
import { stackEnv } from './stack.ts';
import { coreApi } from './tenancy.ts';

/** The test stack's S3 server as its admin (root) account sees it. */
export function s3Admin(): S3Access {
  return {
    endpoint: stackEnv('S3_ENDPOINT'),
    region: stackEnv('S3_REGION'),
    accessKeyId: stackEnv('S3_ACCESS_KEY_ID'),
    secretAccessKey: stackEnv('S3_SECRET_ACCESS_KEY'),
  };
}

/** A provisioner for the test stack's S3 server, with the chart's default bucket prefix. */
export function s3Provisioner(bucketPrefix = 'guardian-'): StorageProvisioner {
  const admin = s3Admin();
  return new StorageProvisioner(
    storageTarget({
      S3_ENDPOINT: admin.endpoint,
      S3_REGION: admin.region,
      S3_ACCESS_KEY_ID: admin.accessKeyId,
      S3_SECRET_ACCESS_KEY: admin.secretAccessKey,
      S3_BUCKET_PREFIX: bucketPrefix,
      STORAGE_DIR: undefined,
    }),
  );
}

/** The S3 error name (AccessDenied, ...) a call fails with, or 'ok'. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
}

/** What `client` may do in `bucket`: list, read `key`, write a new object. */
export async function reach(client: S3Client, bucket: string, key: string) {
  return {
    list: await outcome(client.send(new ListObjectsV2Command({ Bucket: bucket }))),
    read: await outcome(
      client
        .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        .then((o) => o.Body?.transformToString()),
    ),
    write: await outcome(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'probe', Body: 'x' }))),
  };
}

/** The buckets `client`'s account sees. */
export async function visibleBuckets(client: S3Client): Promise<string[]> {
  const listed = await client.send(new ListBucketsCommand({}));
  return (listed.Buckets ?? []).map((b) => b.Name ?? '');
}

/** An organization's S3 credentials, from its Secret guardian-storage (or another Secret of that shape). */
export async function s3CredentialsOf(org: string, name = 'guardian-storage', namespace = `org-${org}`) {
  const secret = await coreApi.readNamespacedSecret({ name, namespace });
  const credentials = parseStorageSecret(secret.data);
  if (credentials?.type !== 's3') throw new Error(`${namespace}/${name} holds no S3 credentials`);
  return credentials;
}

/** Deletes a bucket and everything in it, as the root account (a test's own buckets). */
export async function removeBucket(bucket: string): Promise<void> {
  const root = s3Client(s3Admin());
  const store = new S3ObjectStore(root, bucket);
  await store.delete((await store.list('')).map((o) => o.key)).catch(() => undefined);
  await root.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
}
