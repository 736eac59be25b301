// Object storage against the test stack's real S3 server (versitygw): multipart uploads that
// appear only complete, and per-organization accounts that reach their own bucket only.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  ORGANIZATION_MARKER,
  S3ObjectStore,
  StorageConflict,
  type StorageCredentials,
  s3Client,
} from '@guardian/platform/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/kube.ts';
import { reach, s3Admin, s3Provisioner, visibleBuckets } from '../support/storage.ts';

const provisioner = s3Provisioner('it-');

describe('object storage on S3 (versitygw)', () => {
  const orgs = [uniqueName('st-a'), uniqueName('st-b')] as const;
  const uids = orgs.map(() => randomBytes(8).toString('hex'));
  const credentials = orgs.map((org) =>
    provisioner.credentials(org, randomBytes(24).toString('base64url')),
  ) as StorageCredentials[];
  const s3 = (c: StorageCredentials | undefined) => {
    if (c?.type !== 's3') throw new Error('expected S3 credentials');
    return c;
  };

  afterAll(async () => {
    for (const [i, org] of orgs.entries()) await provisioner.remove(org, uids[i] ?? '');
  });

  it('provisions an account and a bucket per organization, idempotently', async () => {
    for (const [i, org] of orgs.entries()) {
      await provisioner.ensure(org, uids[i] ?? '', s3(credentials[i]));
      await provisioner.ensure(org, uids[i] ?? '', s3(credentials[i]));
    }
    const a = s3(credentials[0]);
    expect(a.bucket).toBe(`it-org-${orgs[0]}`);
    expect(await visibleBuckets(s3Client(a))).toEqual([a.bucket]);
  });

  it("one organization's credentials cannot list, read or write another's bucket; its own they can", async () => {
    const [a, b] = [s3(credentials[0]), s3(credentials[1])];
    const clientA = s3Client(a);
    // The positive control: the same calls in its own bucket succeed.
    expect(await reach(clientA, a.bucket, ORGANIZATION_MARKER)).toEqual({
      list: 'ok',
      read: 'ok',
      write: 'ok',
    });
    expect(await reach(clientA, b.bucket, ORGANIZATION_MARKER)).toEqual({
      list: 'AccessDenied',
      read: 'AccessDenied',
      write: 'AccessDenied',
    });
    expect(await reach(s3Client(b), a.bucket, ORGANIZATION_MARKER)).toEqual({
      list: 'AccessDenied',
      read: 'AccessDenied',
      write: 'AccessDenied',
    });
    // A wrong secret for the right account is refused too.
    const forged = s3Client({ ...a, secretAccessKey: 'not-the-secret' });
    expect((await reach(forged, a.bucket, ORGANIZATION_MARKER)).list).toBe('SignatureDoesNotMatch');
  });

  it('streams a multipart upload that appears only once complete', async () => {
    const a = s3(credentials[0]);
    const store = new S3ObjectStore(s3Client(a), a.bucket);
    const data = randomBytes(19 * 1024 * 1024);
    const chunks = Array.from({ length: 19 }, (_, i) =>
      data.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024),
    );
    expect(await store.upload('big/object', Readable.from(chunks))).toBe(data.length);
    const hash = createHash('sha256');
    for await (const chunk of await store.download('big/object')) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));

    // What a crash mid-upload leaves: a multipart upload, and no object.
    const client = s3Client(a);
    const started = await client.send(
      new CreateMultipartUploadCommand({ Bucket: a.bucket, Key: 'crashed/data' }),
    );
    await client.send(
      new UploadPartCommand({
        Bucket: a.bucket,
        Key: 'crashed/data',
        UploadId: started.UploadId,
        PartNumber: 1,
        Body: randomBytes(5 * 1024 * 1024),
      }),
    );
    expect((await store.list('crashed/')).length).toBe(0);
    const pending = async () =>
      (await client.send(new ListMultipartUploadsCommand({ Bucket: a.bucket, Prefix: 'crashed/' })))
        .Uploads ?? [];
    expect((await pending()).length).toBe(1);
    await store.discardUnfinished('crashed/');
    expect(await pending()).toEqual([]);
  });

  it('never hands a bucket to a namesake organization (another uid)', async () => {
    await expect(provisioner.ensure(orgs[0], 'another-uid', s3(credentials[0]))).rejects.toBeInstanceOf(
      StorageConflict,
    );
    // Nor does removal touch it.
    expect(await provisioner.remove(orgs[0], 'another-uid')).toBe(false);
  });

  it('removes the bucket, its objects and the account', async () => {
    const org = uniqueName('st-gone');
    const uid = randomBytes(8).toString('hex');
    const mine = s3(provisioner.credentials(org, randomBytes(24).toString('base64url')));
    await provisioner.ensure(org, uid, mine);
    await new S3ObjectStore(s3Client(mine), mine.bucket).put('backups/x/manifest.json', '{}');
    expect(await provisioner.remove(org, uid)).toBe(true);
    const root = s3Client(s3Admin());
    expect(await visibleBuckets(root)).not.toContain(mine.bucket);
    // The account is gone with it.
    expect((await reach(s3Client(mine), mine.bucket, 'x')).list).toBe('InvalidAccessKeyId');
    expect(await provisioner.remove(org, uid)).toBe(false);
  });
});
