// Each organization's object storage, as the operator provisions it on the test stack's S3 server
// (versitygw): a bucket owned by an account of its own, whose credentials (the Secret
// guardian-storage) reach that bucket and no other; removed or kept with the organization.
import { S3ObjectStore, s3Client } from '@guardian/platform/storage';
import { describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { reach, s3Admin, s3CredentialsOf, s3Provisioner, visibleBuckets } from '../support/storage.ts';
import {
  apply,
  canI,
  condition,
  coreApi,
  deleteOrganizations,
  organizationReady,
  readOrganization,
  organization as unlabelled,
} from '../support/tenancy.ts';

/** The organization's storage credentials, from its Secret (as a tenant workload would read them). */
async function storageSecret(org: string, name = 'guardian-storage', namespace = `org-${org}`) {
  const credentials = await s3CredentialsOf(org, name, namespace);
  return { credentials, client: s3Client(credentials) };
}

describe('organization storage', () => {
  const a = uniqueName('it-sta');
  const b = uniqueName('it-stb');
  const suite = operatorSuite({ suite: 'storage', organizations: [unlabelled(a), unlabelled(b)] });

  it('gives each organization a bucket of its own and the credentials to it, in guardian-storage', async () => {
    const org = await readOrganization(a);
    expect(condition(org, 'StorageReady')).toMatchObject({ status: 'True', reason: 'Provisioned' });
    const { credentials, client } = await storageSecret(a);
    expect(credentials).toMatchObject({
      type: 's3',
      endpoint: s3Admin().endpoint,
      bucket: `guardian-org-${a}`,
      accessKeyId: `guardian-org-${a}`,
    });
    expect(credentials.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    expect(await visibleBuckets(client)).toEqual([`guardian-org-${a}`]);
    // The platform reads it (the storage quota, restores); nothing else of the namespace.
    const platform = 'system:serviceaccount:guardian-system:guardian-platform';
    expect(await canI(platform, 'get', 'secrets/guardian-storage', `org-${a}`)).toBe(true);
    expect(await canI(platform, 'get', 'secrets/other', `org-${a}`)).toBe(false);
  });

  it("one organization's credentials cannot list, read or write another's bucket; its own they can", async () => {
    const [mine, theirs] = await Promise.all([storageSecret(a), storageSecret(b)]);
    await new S3ObjectStore(theirs.client, theirs.credentials.bucket).put('backups/secret.txt', 'b only');
    await new S3ObjectStore(mine.client, mine.credentials.bucket).put('backups/secret.txt', 'a only');
    // The positive control: the very same calls, in its own bucket.
    expect(await reach(mine.client, mine.credentials.bucket, 'backups/secret.txt')).toEqual({
      list: 'ok',
      read: 'ok',
      write: 'ok',
    });
    expect(await reach(mine.client, theirs.credentials.bucket, 'backups/secret.txt')).toEqual({
      list: 'AccessDenied',
      read: 'AccessDenied',
      write: 'AccessDenied',
    });
    expect(await reach(theirs.client, mine.credentials.bucket, 'backups/secret.txt')).toEqual({
      list: 'AccessDenied',
      read: 'AccessDenied',
      write: 'AccessDenied',
    });
  });

  it('brings back a deleted Secret with a new key; the old key stops working', async () => {
    const before = await storageSecret(b);
    await coreApi.deleteNamespacedSecret({ name: 'guardian-storage', namespace: `org-${b}` });
    const after = await eventually('the Secret to be back', () => storageSecret(b).catch(() => undefined));
    expect(after.credentials.secretAccessKey).not.toBe(before.credentials.secretAccessKey);
    await eventually('the new key to work', async () =>
      (await reach(after.client, after.credentials.bucket, 'backups/secret.txt')).read === 'ok'
        ? true
        : undefined,
    );
    expect((await reach(before.client, before.credentials.bucket, 'x')).list).toBe('SignatureDoesNotMatch');
  });

  it('removes the bucket and its account with the organization (Delete, the default)', async () => {
    const gone = uniqueName('it-stgone');
    suite.track(gone);
    await apply(suite.organization(gone));
    await organizationReady(gone);
    const { credentials, client } = await storageSecret(gone);
    await new S3ObjectStore(client, credentials.bucket).put('backups/x/manifest.json', '{}');
    await deleteOrganizations(gone);
    expect(await visibleBuckets(s3Client(s3Admin()))).not.toContain(credentials.bucket);
    expect((await reach(client, credentials.bucket, 'x')).list).toBe('InvalidAccessKeyId');
  });

  it('keeps the bucket (Retain) with a copy of its credentials in the operator’s namespace', async () => {
    const kept = uniqueName('it-stkept');
    suite.track(kept);
    await apply(suite.organization(kept, { storage: { deletionPolicy: 'Retain' } }));
    const uid = (await organizationReady(kept)).metadata?.uid ?? '';
    const { credentials } = await storageSecret(kept);
    await new S3ObjectStore(s3Client(credentials), credentials.bucket).put('backups/kept.txt', 'kept');
    await deleteOrganizations(kept);
    const copy = await storageSecret(kept, `retained-storage-${kept}`, suite.namespace);
    expect(copy.credentials).toEqual(credentials);
    expect((await reach(copy.client, credentials.bucket, 'backups/kept.txt')).read).toBe('ok');
    // The database had the default policy, Delete: only the storage is kept.
    expect(
      await coreApi
        .readNamespacedSecret({ name: `retained-database-${kept}`, namespace: suite.namespace })
        .then(
          () => 'present',
          () => 'absent',
        ),
    ).toBe('absent');
    expect(await s3Provisioner().remove(kept, uid)).toBe(true);
  });
});
