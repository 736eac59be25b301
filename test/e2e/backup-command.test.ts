// `guardian restore` and `guardian backup --platform`, run as an operator of the install would.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { listBackups } from '@guardian/platform/backup';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { execute, requestBackup, tenantRows } from '../support/backup.ts';
import { kubectl, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { stackEnv, TEST_STACK_DIR } from '../support/stack.ts';
import { removeBucket, s3Provisioner } from '../support/storage.ts';
import { coreApi, organization as unlabelled } from '../support/tenancy.ts';
import { databaseSecret } from '../support/tenant-db.ts';

const guardian = resolve(import.meta.dirname, '../../bin/guardian.ts');
const exec = promisify(execFile);

function run(args: string[], env: NodeJS.ProcessEnv) {
  return exec(process.execPath, [guardian, ...args], { env: { PATH: process.env.PATH, ...env } }).then(
    ({ stdout }) => ({ code: 0, out: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stderr }),
  );
}

/** A database on the platform's server, as its superuser (the test stack's own). */
function asSuperuser(database = 'postgres'): string {
  const state = JSON.parse(readFileSync(resolve(TEST_STACK_DIR, 'state.json'), 'utf8')) as {
    secrets: Record<string, string>;
  };
  const url = new URL(stackEnv('DATABASE_ADMIN_URL'));
  url.username = 'postgres';
  url.password = state.secrets['postgres-postgres'] ?? '';
  url.pathname = `/${database}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('guardian restore and guardian backup', () => {
  const key = randomBytes(32).toString('base64');
  const org = uniqueName('e2e-rst');
  const suite = operatorSuite({
    suite: 'backup-command',
    env: { BACKUP_ENCRYPTION_KEY: key },
    organizations: [unlabelled(org)],
  });
  const kube = { KUBECONFIG: stackEnv('KUBECONFIG') };

  it('restores an organization’s backup, and says clearly when it cannot', async () => {
    const url = (await databaseSecret(org)).url;
    await execute(url, `insert into chat_sessions (id, user_id) values ('kept', 'carol')`);
    const id = (await requestBackup(suite.organization(org), 'cli')).status?.backup?.lastSuccess?.id;
    const inBackup = await tenantRows(url);
    await execute(url, `delete from chat_sessions`);

    const wrongKey = await run(['restore', '--org', org, '--backup', id ?? ''], {
      ...kube,
      BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.out).toMatch(
      /encrypted with key [0-9a-f]{16}, but the configured backup key is [0-9a-f]{16}/,
    );
    expect(wrongKey.out).not.toContain(key);
    const unknown = await run(['restore', '--org', org, '--backup', `${org}.20200101T000000Z`], {
      ...kube,
      BACKUP_ENCRYPTION_KEY: key,
    });
    expect(unknown).toMatchObject({
      code: 1,
      out: expect.stringContaining(`No backup ${org}.20200101T000000Z`),
    });
    expect((await run(['restore', '--backup', id ?? ''], { ...kube, BACKUP_ENCRYPTION_KEY: key })).code).toBe(
      1,
    );

    const restored = await run(['restore', '--org', org, '--backup', id ?? ''], {
      ...kube,
      BACKUP_ENCRYPTION_KEY: key,
    });
    expect(restored.out).toContain(`Restored backup ${id} of ${org} into ${org}`);
    expect(restored.code).toBe(0);
    expect(await tenantRows(url)).toBe(inBackup);
  });

  it('backs the platform database up under a Lease, and restores it into an empty database', async () => {
    const namespace = uniqueName('e2e-pbk');
    await coreApi.createNamespace({ body: { metadata: { name: namespace } } });
    const s3 = {
      S3_ENDPOINT: stackEnv('S3_ENDPOINT'),
      S3_REGION: stackEnv('S3_REGION'),
      S3_ACCESS_KEY_ID: stackEnv('S3_ACCESS_KEY_ID'),
      S3_SECRET_ACCESS_KEY: stackEnv('S3_SECRET_ACCESS_KEY'),
      S3_BUCKET_PREFIX: `${namespace}-`,
    };
    const scratch = `guardian_restore_${randomBytes(4).toString('hex')}`;
    try {
      const backedUp = await run(['backup', '--platform'], {
        ...kube,
        ...s3,
        BACKUP_ENCRYPTION_KEY: key,
        DATABASE_BACKUP_URL: stackEnv('DATABASE_BACKUP_URL'),
        POD_NAMESPACE: namespace,
      });
      expect(backedUp.out).toMatch(/Backed up the platform database as _platform\.\d{8}T\d{6}Z into s3:\/\//);
      expect(backedUp.code).toBe(0);
      const store = await s3Provisioner(`${namespace}-`).platformStore();
      const [manifest] = await listBackups(store);
      expect(manifest).toMatchObject({ organization: '_platform', database: 'guardian', server: 'platform' });
      // It took the Lease first (and gave it back).
      expect(
        await kubectl('get', 'lease', 'guardian-platform-backup', '-n', namespace, '-o', 'name'),
      ).toContain('guardian-platform-backup');

      // Into an empty database owned by the owner role, as a DBA would prepare one.
      await query(asSuperuser(), `CREATE DATABASE ${scratch} OWNER guardian_owner`);
      await query(asSuperuser(), `GRANT CONNECT ON DATABASE ${scratch} TO guardian_app`);
      const adminUrl = new URL(stackEnv('DATABASE_ADMIN_URL'));
      adminUrl.pathname = `/${scratch}`;
      const appUrl = new URL(stackEnv('DATABASE_URL'));
      appUrl.pathname = `/${scratch}`;
      const restored = await run(['restore', '--platform', '--backup', manifest?.id ?? ''], {
        ...s3,
        BACKUP_ENCRYPTION_KEY: key,
        DATABASE_ADMIN_URL: adminUrl.toString(),
        DATABASE_URL: appUrl.toString(),
      });
      expect(restored.out).toContain(`Restored the platform database from ${manifest?.id}`);
      expect(restored.code).toBe(0);
      // The tables, their row-level security and the app role's grants are back; the schema current.
      const tables = await query<{ relname: string; forced: boolean }>(
        adminUrl.toString(),
        `select relname, relforcerowsecurity as forced from pg_class where relname in ('memberships', 'audit_log') order by 1`,
      );
      expect(tables).toEqual([
        { relname: 'audit_log', forced: true },
        { relname: 'memberships', forced: true },
      ]);
      const [users] = await query<{ n: number }>(appUrl.toString(), 'select count(*)::int as n from users');
      expect(users?.n).toBeGreaterThan(0);
    } finally {
      await query(asSuperuser(), `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
      await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
      await removeBucket(`${namespace}-platform`);
    }
  });
});
