// Backups and restores of tenant databases against the real stack: pg_dump → encryption → the
// organization's bucket on the S3 server, and back, checked against the manifest.
import { createHash, randomBytes } from 'node:crypto';
import { systemClock } from '@guardian/kube/clock';
import {
  type BackupManifest,
  backupDatabase,
  backupId,
  backupKeys,
  ChecksumMismatch,
  keyId,
  listBackups,
  pruneBackups,
  restoreDatabase,
  SchemaTooNew,
  WrongKeyError,
} from '@guardian/platform/backup';
import { s3Client } from '@guardian/platform/storage';
import { migrateTenantDatabase, TENANT_MIGRATIONS } from '@guardian/platform/tenant-db';
import { describe, expect, it } from 'vitest';
import { execute, SAMPLE_ROWS, storeOf, tenantRows } from '../support/backup.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { reach, s3CredentialsOf } from '../support/storage.ts';
import { condition, readOrganization, organization as unlabelled } from '../support/tenancy.ts';
import { connectAs, databaseSecret, onServer, onTenant } from '../support/tenant-db.ts';

const key = randomBytes(32);
const tenant = (org: string) => `tenant_${org.replaceAll('-', '_')}`;

describe('tenant database backups', () => {
  const a = uniqueName('it-bka');
  const b = uniqueName('it-bkb');
  // A short resync, so that the operator soon notices a dropped database and makes a new one.
  operatorSuite({
    suite: 'backup',
    env: { OPERATOR_RESYNC_SECONDS: '4' },
    organizations: [
      unlabelled(a, { database: { server: 'pg1' } }),
      unlabelled(b, { database: { server: 'pg2' } }),
    ],
  });
  let backup: BackupManifest;

  const backUp = async (org: string, at = new Date()) => {
    const secret = await databaseSecret(org);
    return backupDatabase({
      store: await storeOf(org),
      key,
      id: backupId(org, at),
      organization: org,
      url: secret.url,
      server: (await readOrganization(org)).status?.database?.server ?? '',
      clock: systemClock,
    });
  };
  const restore = async (into: string, id: string, options: { with?: Buffer; from?: string } = {}) =>
    restoreDatabase({
      store: await storeOf(options.from ?? a),
      key: options.with ?? key,
      id,
      url: (await databaseSecret(into)).url,
      migrations: TENANT_MIGRATIONS,
      migrate: migrateTenantDatabase,
    });

  it('backs a tenant database up into its bucket, encrypted, with a manifest', async () => {
    const secret = await databaseSecret(a);
    await execute(secret.url, ...SAMPLE_ROWS);
    backup = await backUp(a, new Date('2026-01-02T03:00:00Z'));
    expect(backup).toMatchObject({
      format: 'guardian-backup/v1',
      id: `${a}.20260102T030000Z`,
      organization: a,
      database: tenant(a),
      server: 'pg1',
      serverVersion: expect.stringMatching(/^\d+\.\d+/),
      guardianVersion: '0.1.0',
      schemaVersion: TENANT_MIGRATIONS.at(-1),
      checksum: { algorithm: 'sha256', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
      encryption: { keyId: keyId(key) },
      dump: { tool: expect.stringContaining('pg_dump'), format: 'custom' },
    });
    expect(backup.dumpBytes).toBeGreaterThan(10_000);
    const store = await storeOf(a);
    const stored = await store.read(backupKeys(backup.id).data);
    expect(stored?.length).toBe(backup.bytes);
    // Encrypted: neither pg_dump's signature nor the rows' text is in the object.
    expect(stored?.subarray(0, 5).toString()).not.toBe('PGDMP');
    expect(stored?.includes(Buffer.from('message 1999'))).toBe(false);
    expect((await listBackups(store)).map((m) => m.id)).toEqual([backup.id]);
  });

  it('restores identical rows after the database was dropped and made anew', async () => {
    const secret = await databaseSecret(a);
    const before = await tenantRows(secret.url);
    await onServer('pg1', `DROP DATABASE ${tenant(a)} WITH (FORCE)`);
    // The operator notices at its next resync and provisions an empty database again.
    await eventually(
      'the database to be back',
      async () =>
        (
          await onTenant(secret.url, 'select count(*)::int as n from chat_messages').catch(() => undefined)
        )?.[0]?.n === 0,
      60_000,
    );
    expect(await tenantRows(secret.url)).not.toBe(before);
    const result = await restore(a, backup.id);
    expect(result).toMatchObject({
      schemaBefore: TENANT_MIGRATIONS.at(-1),
      schemaAfter: TENANT_MIGRATIONS.at(-1),
    });
    expect(await tenantRows(secret.url)).toBe(before);
    expect(condition(await readOrganization(a), 'DatabaseReady')?.status).toBe('True');
  });

  it('refuses a corrupted object by its checksum, and leaves the database as it was', async () => {
    const store = await storeOf(a);
    const corrupt = backupId(a, new Date('2026-01-03T03:00:00Z'));
    const { data, manifest } = backupKeys(backup.id);
    const bytes = (await store.read(data)) ?? Buffer.alloc(0);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
    await store.put(backupKeys(corrupt).data, bytes);
    const copy = JSON.parse((await store.read(manifest))?.toString() ?? '{}') as BackupManifest;
    await store.put(backupKeys(corrupt).manifest, JSON.stringify({ ...copy, id: corrupt }));
    const url = (await databaseSecret(a)).url;
    await execute(url, `insert into chat_sessions (id, user_id) values ('after-backup', 'bob')`);
    const before = await tenantRows(url);
    const failure = await restore(a, corrupt).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ChecksumMismatch);
    expect(String(failure)).toMatch(/fails its checksum .*corrupt; nothing was restored/);
    expect(await tenantRows(url)).toBe(before);
    await store.delete([backupKeys(corrupt).data, backupKeys(corrupt).manifest]);
  });

  it('rolls a restore back whole when the backup fails to authenticate half-way (a forged manifest)', async () => {
    const store = await storeOf(a);
    const forged = backupId(a, new Date('2026-01-03T04:00:00Z'));
    const { data, manifest } = backupKeys(backup.id);
    const bytes = (await store.read(data)) ?? Buffer.alloc(0);
    // Altered near its end, after most of the dump has streamed into psql; the manifest made to match.
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    await store.put(backupKeys(forged).data, bytes);
    const copy = JSON.parse((await store.read(manifest))?.toString() ?? '{}') as BackupManifest;
    const checksum = { algorithm: 'sha256', value: createHash('sha256').update(bytes).digest('hex') };
    await store.put(backupKeys(forged).manifest, JSON.stringify({ ...copy, id: forged, checksum }));
    const url = (await databaseSecret(a)).url;
    await execute(url, `insert into chat_sessions (id, user_id) values ('before-forged', 'bob')`);
    const before = await tenantRows(url);
    const failure = await restore(a, forged).catch((error: unknown) => error);
    expect(String((failure as Error).cause)).toMatch(/does not authenticate/);
    expect(String(failure)).toMatch(/the database is unchanged/);
    expect(await tenantRows(url)).toBe(before);
    await store.delete([backupKeys(forged).data, backupKeys(forged).manifest]);
  });

  it('refuses a wrong key clearly, naming both key ids, before touching anything', async () => {
    const url = (await databaseSecret(a)).url;
    const before = await tenantRows(url);
    const other = randomBytes(32);
    const failure = await restore(a, backup.id, { with: other }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WrongKeyError);
    expect(String(failure)).toContain(`encrypted with key ${keyId(key)}`);
    expect(String(failure)).toContain(`configured backup key is ${keyId(other)}`);
    expect(await tenantRows(url)).toBe(before);
  });

  it('refuses a backup of a schema newer than this Guardian knows', async () => {
    const failure = await restoreDatabase({
      store: await storeOf(a),
      key,
      id: backup.id,
      url: (await databaseSecret(b)).url,
      migrations: [],
      migrate: migrateTenantDatabase,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SchemaTooNew);
  });

  it('restores into another organization, which then owns a copy and still cannot reach the first one', async () => {
    const [secretA, secretB] = await Promise.all([databaseSecret(a), databaseSecret(b)]);
    await restore(b, backup.id);
    const rowsB = await tenantRows(secretB.url);
    expect(rowsB).toContain('session-1');
    // Everything restored belongs to b's role; nothing names a's.
    const foreign = await onTenant(
      secretB.url,
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and pg_get_userbyid(c.relowner) <> current_user
          or (c.relacl is not null and c.relacl::text like '%${tenant(a)}%')`,
    );
    expect(foreign).toEqual([]);
    // b's credentials reach its own database and bucket (the positive control), not a's.
    expect(await connectAs(secretB.url)).toBe(tenant(b));
    const intoA = new URL(secretA.url);
    intoA.username = secretB.user;
    intoA.password = secretB.password;
    await expect(connectAs(intoA.toString())).rejects.toMatchObject({
      code: expect.stringMatching(/^(28P01|42501)$/),
    });
    // A copy, not a link: a's later rows do not appear in b.
    await execute(secretA.url, `insert into chat_sessions (id, user_id) values ('only-in-a', 'alice')`);
    expect(await tenantRows(secretB.url)).toBe(rowsB);
  });

  it('migrates forward a backup older than the code', async () => {
    const url = (await databaseSecret(b)).url;
    // A database as an older Guardian left it: here, before any tenant migration. DROP OWNED locks
    // every object; a session of the platform's on the database at that moment can make Postgres
    // end it as a deadlock's victim, so it is tried again.
    await eventually('the tenant schema dropped', async () => {
      await execute(url, 'DROP OWNED BY CURRENT_USER');
      return true;
    });
    const old = await backUp(b, new Date('2026-01-04T03:00:00Z'));
    expect(old.schemaVersion).toBeNull();
    const result = await restore(b, old.id, { from: b });
    expect(result).toMatchObject({ schemaBefore: null, schemaAfter: TENANT_MIGRATIONS.at(-1) });
    expect(await onTenant(url, 'select count(*)::int as n from chat_sessions')).toEqual([{ n: 0 }]);
  });

  it('keeps the newest backups, and removes what incomplete ones left', async () => {
    const store = await storeOf(b);
    const ids = [];
    for (const day of ['05', '06', '07'])
      ids.push((await backUp(b, new Date(`2026-01-${day}T03:00:00Z`))).id);
    // Data without a manifest: a backup a crash interrupted.
    const interrupted = backupId(b, new Date('2026-01-08T03:00:00Z'));
    await store.put(backupKeys(interrupted).data, 'half a dump');
    expect((await listBackups(store)).map((m) => m.id)).not.toContain(interrupted);
    const deleted = await pruneBackups(store, 2);
    expect(deleted.sort()).toEqual(
      [backupId(b, new Date('2026-01-04T03:00:00Z')), ids[0], interrupted].sort(),
    );
    expect((await listBackups(store)).map((m) => m.id)).toEqual([ids[2], ids[1]]);
    expect(
      (await store.list('backups/')).every((o) => !o.key.startsWith(backupKeys(interrupted).prefix)),
    ).toBe(true);
  });

  it("keeps one organization's credentials out of another's backups", async () => {
    const [mine, theirs] = await Promise.all([storeOf(b), storeOf(a)]);
    const clientB = s3Client(await s3CredentialsOf(b));
    const manifest = backupKeys(backup.id).manifest;
    // The positive control: b lists its own backups.
    expect((await reach(clientB, mine.location.replace('s3://', ''), manifest)).list).toBe('ok');
    expect(await reach(clientB, theirs.location.replace('s3://', ''), manifest)).toEqual({
      list: 'AccessDenied',
      read: 'AccessDenied',
      write: 'AccessDenied',
    });
  });
});
