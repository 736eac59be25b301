// The filesystem storage target (the chart's `storage.type=filesystem`, a PersistentVolumeClaim):
// the operator runs with STORAGE_DIR instead of S3, gives each organization a folder of its own
// (named in its Secret guardian-storage), backs its database up there, and removes the folder with
// the organization. The backup restores from that folder into identical rows.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBackups, restoreDatabase } from '@guardian/platform/backup';
import { ORGANIZATION_MARKER, organizationFolder, parseStorageSecret } from '@guardian/platform/storage';
import { migrateTenantDatabase, TENANT_MIGRATIONS } from '@guardian/platform/tenant-db';
import { afterAll, describe, expect, it } from 'vitest';
import { execute, requestBackup, SAMPLE_ROWS, storeOf, tenantRows } from '../support/backup.ts';
import { uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import {
  apply,
  condition,
  coreApi,
  deleteOrganizations,
  organizationReady,
  readOrganization,
  organization as unlabelled,
} from '../support/tenancy.ts';
import { databaseSecret } from '../support/tenant-db.ts';

describe('organization storage on a filesystem target', () => {
  const root = mkdtempSync(join(tmpdir(), 'guardian-storage-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const key = randomBytes(32);
  const a = uniqueName('it-fsa');
  const b = uniqueName('it-fsb');
  const suite = operatorSuite({
    suite: 'storage-filesystem',
    // The stack's S3 server stays out of it: STORAGE_DIR alone names the target.
    env: { STORAGE_DIR: root, S3_ENDPOINT: undefined, BACKUP_ENCRYPTION_KEY: key.toString('base64') },
    organizations: [
      unlabelled(a, { database: { server: 'pg1' } }),
      unlabelled(b, { database: { server: 'pg2' } }),
    ],
  });

  it('gives each organization a folder of its own, marked with its uid and named in guardian-storage', async () => {
    for (const org of [a, b]) {
      const found = await readOrganization(org);
      expect(condition(found, 'StorageReady')).toMatchObject({ status: 'True', reason: 'Provisioned' });
      const secret = await coreApi.readNamespacedSecret({
        name: 'guardian-storage',
        namespace: `org-${org}`,
      });
      expect(parseStorageSecret(secret.data)).toEqual({
        type: 'filesystem',
        path: join(root, organizationFolder(org)),
      });
      const marker = JSON.parse(
        readFileSync(join(root, organizationFolder(org), ORGANIZATION_MARKER), 'utf8'),
      );
      expect(marker).toEqual({ organization: org, uid: found.metadata?.uid });
    }
    expect(readdirSync(root).sort()).toEqual([organizationFolder(a), organizationFolder(b)].sort());
  });

  it('backs up into the organization’s folder when asked, and restores identical rows from it', async () => {
    const { url } = await databaseSecret(a);
    await execute(url, ...SAMPLE_ROWS);
    const before = await tenantRows(url);
    const done = await requestBackup(suite.organization(a, { database: { server: 'pg1' } }), 'fs-1');
    const id = done.status?.backup?.lastSuccess?.id ?? '';
    expect(id).toMatch(new RegExp(`^${a}\\.`));
    expect((await listBackups(await storeOf(a))).map((manifest) => manifest.id)).toEqual([id]);
    expect(await listBackups(await storeOf(b))).toEqual([]);

    await execute(url, 'delete from chat_messages', 'delete from agent_runs');
    expect(await tenantRows(url)).not.toBe(before);
    await restoreDatabase({
      store: await storeOf(a),
      key,
      id,
      url,
      migrations: TENANT_MIGRATIONS,
      migrate: migrateTenantDatabase,
    });
    expect(await tenantRows(url)).toBe(before);
  });

  it('removes the folder with the organization (Delete, the default), and no other', async () => {
    const gone = uniqueName('it-fsgone');
    suite.track(gone);
    await apply(suite.organization(gone));
    await organizationReady(gone);
    const folder = join(root, organizationFolder(gone));
    expect(existsSync(folder)).toBe(true);
    await deleteOrganizations(gone);
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(join(root, organizationFolder(a)))).toBe(true);
  });
});
