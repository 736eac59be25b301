// Kills the operator inside a backup at each dangerous window (named failpoints), then restarts
// it: no partial backup is ever listed as complete, and the next run completes the same backup.
import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { backupKeys, listBackups, restoreDatabase } from '@guardian/platform/backup';
import { s3Client } from '@guardian/platform/storage';
import { migrateTenantDatabase, TENANT_MIGRATIONS } from '@guardian/platform/tenant-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/process.ts';
import { execute, SAMPLE_ROWS, storeOf, tenantRows } from '../support/backup.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import {
  applyGuardianManifests,
  operatorKubeconfig,
  type RunningOperator,
  startOperator,
} from '../support/operator.ts';
import { s3CredentialsOf } from '../support/storage.ts';
import {
  apply,
  coreApi,
  deleteOrganizations,
  organization,
  organizationReady,
  readOrganization,
} from '../support/tenancy.ts';
import { databaseSecret } from '../support/tenant-db.ts';

// Runs alone (the disruptive project), so no other operator completes the work a crash left.
describe('operator crash during a backup', () => {
  const namespace = uniqueName('it-bkcrash-op');
  const org = uniqueName('it-bkcrash');
  const key = randomBytes(32);
  let kubeconfig: string;

  const start = async (failpoint?: string) =>
    startOperator({
      kubeconfig,
      namespace,
      port: await freePort(),
      env: {
        LEADER_ELECT: 'false',
        BACKUP_ENCRYPTION_KEY: key.toString('base64'),
        ...(failpoint ? { GUARDIAN_FAILPOINT: failpoint } : {}),
      },
    });
  const requestBackup = (value: string) =>
    apply({
      ...organization(org),
      metadata: { name: org, annotations: { 'guardian.aiops.dev/backup-requested': value } },
    });
  const pendingUploads = async () => {
    const credentials = await s3CredentialsOf(org);
    const listed = await s3Client(credentials).send(
      new ListMultipartUploadsCommand({ Bucket: credentials.bucket, Prefix: 'backups/' }),
    );
    return listed.Uploads ?? [];
  };

  beforeAll(async () => {
    await applyGuardianManifests();
    kubeconfig = await operatorKubeconfig(namespace);
    const helper = await start();
    try {
      await apply(organization(org));
      await organizationReady(org);
      // More than 16 MiB once compressed, so that a part is stored before the mid-upload failpoint.
      await execute(
        (await databaseSecret(org)).url,
        ...SAMPLE_ROWS,
        `insert into workflow_history (workflow_id, event, detail)
           select 'bulk', 'noise', jsonb_build_object('r', (select string_agg(md5(random()::text || i || j), '') from generate_series(1, 64) as j))
           from generate_series(1, 24000) as i`,
      );
    } finally {
      await helper.stop();
    }
  }, 180_000);
  afterAll(async () => {
    const cleaner = await start();
    await deleteOrganizations(org);
    await cleaner.stop();
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  }, 180_000);

  for (const failpoint of ['backup-after-intent', 'backup-during-upload', 'backup-before-manifest']) {
    it(
      `lists no partial backup after a crash at ${failpoint}, and completes it after a restart`,
      { timeout: 240_000 },
      async () => {
        const store = await storeOf(org);
        const complete = (await listBackups(store)).map((m) => m.id);
        const crashing: RunningOperator = await start(`${failpoint}@${org}`);
        try {
          await requestBackup(`crash-${failpoint}`);
          await eventually(
            'the operator to die at its failpoint',
            async () => crashing.process.exitCode !== null || crashing.process.signalCode !== null,
            120_000,
          );
        } finally {
          await crashing.stop();
        }
        expect(crashing.process.signalCode).toBe('SIGKILL');

        // The intent survived the crash; the backup did not complete, and nothing lists it as complete.
        const interrupted = await readOrganization(org);
        const id = interrupted.status?.backup?.running?.id ?? '';
        expect(id).toMatch(new RegExp(`^${org}\\.`));
        expect(interrupted.status?.backup?.lastRequest).toBe(`crash-${failpoint}`);
        expect((await listBackups(store)).map((m) => m.id)).toEqual(complete);
        expect(await store.read(backupKeys(id).manifest)).toBeUndefined();
        if (failpoint === 'backup-before-manifest')
          expect(await store.read(backupKeys(id).data)).toBeDefined();
        if (failpoint === 'backup-during-upload') expect((await pendingUploads()).length).toBeGreaterThan(0);

        const restarted = await start();
        try {
          const done = await eventually(
            'the interrupted backup to complete',
            async () => {
              const found = await readOrganization(org);
              return found.status?.backup?.lastSuccess?.id === id && !found.status.backup.running
                ? found
                : undefined;
            },
            120_000,
          );
          expect(done.status?.backup?.lastFailure).toBeUndefined();
        } finally {
          await restarted.stop();
        }
        const listed = await listBackups(store);
        expect(listed.map((m) => m.id).sort()).toEqual([...complete, id].sort());
        // Large enough that the mid-upload window lies after a stored part.
        expect(listed.find((m) => m.id === id)?.bytes).toBeGreaterThan(16 * 1024 * 1024);
        // Nothing else of the interrupted attempt is left: its data, its manifest, no upload.
        expect((await store.list(backupKeys(id).prefix)).map((o) => o.key).sort()).toEqual(
          [backupKeys(id).data, backupKeys(id).manifest].sort(),
        );
        expect(await pendingUploads()).toEqual([]);
        // And what completed restores: identical rows.
        const url = (await databaseSecret(org)).url;
        const rows = await tenantRows(url);
        await restoreDatabase({
          store,
          key,
          id,
          url,
          migrations: TENANT_MIGRATIONS,
          migrate: migrateTenantDatabase,
        });
        expect(await tenantRows(url)).toBe(rows);
      },
    );
  }
});
