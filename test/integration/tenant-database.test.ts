import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { KubeClient } from '@guardian/kube/client';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { parseStorageSecret, storedBytes, storeWith } from '@guardian/platform/storage';
import { describe, expect, it } from 'vitest';
import { TenantDatabases } from '../../platform/src/tenant-db/databases.ts';
import {
  parseTenantServers,
  TENANT_MIGRATIONS,
  TenantPools,
  TenantProvisioner,
} from '../../platform/src/tenant-db/index.ts';
import { eventually, kubectl, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { Browser, platformKubeconfig, startPlatform, until, withToken } from '../support/platform.ts';
import { stackEnv } from '../support/stack.ts';
import { s3Provisioner } from '../support/storage.ts';
import {
  apply,
  condition,
  coreApi,
  deleteOrganizations,
  organizationReady,
  readOrganization,
  organization as unlabelled,
} from '../support/tenancy.ts';
import {
  connectAs,
  databaseSecret,
  leftoversOf,
  onServer,
  onTenant,
  serverUrl,
} from '../support/tenant-db.ts';

const tenantName = (org: string) => `tenant_${org.replaceAll('-', '_')}`;

describe('tenant databases', () => {
  const a = uniqueName('it-dba');
  const b = uniqueName('it-dbb');
  const suite = operatorSuite({
    suite: 'tenant-database',
    organizations: [
      unlabelled(a, {
        database: { server: 'pg2' },
        owners: [{ kind: 'User', name: 'carol@startupco.io' }],
      }),
      unlabelled(b, { database: { server: 'pg2' } }),
    ],
  });
  const organization = suite.organization;

  it('gives each organization its own database, reachable with the credentials of its Secret', async () => {
    const org = await readOrganization(a);
    expect(org.status?.database).toEqual({ server: 'pg2', name: tenantName(a) });
    expect(condition(org, 'DatabaseReady')).toMatchObject({ status: 'True', reason: 'Provisioned' });
    expect(org.metadata?.annotations?.['guardian.aiops.dev/database-server']).toBe('pg2');
    const secret = await databaseSecret(a);
    expect(secret).toMatchObject({ database: tenantName(a), user: tenantName(a) });
    expect(await connectAs(secret.url)).toBe(tenantName(a));
    const owned = await onServer<{ owner: string }>(
      'pg2',
      'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
      [tenantName(a)],
    );
    expect(owned).toEqual([{ owner: tenantName(a) }]);
  });

  it('keeps tenants apart: no role reaches another tenant’s database, not even with a correct password', async () => {
    const [secretA, secretB] = await Promise.all([databaseSecret(a), databaseSecret(b)]);
    // The positive controls: each tenant reaches its own database.
    expect(await connectAs(secretA.url)).toBe(tenantName(a));
    expect(await connectAs(secretB.url)).toBe(tenantName(b));
    const aIntoB = new URL(secretB.url);
    aIntoB.username = secretA.user;
    aIntoB.password = secretA.password;
    await expect(connectAs(aIntoB.toString())).rejects.toMatchObject({ code: '42501' });

    const stranger = `it_stranger_${randomBytes(3).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await onServer('pg2', `CREATE ROLE ${stranger} LOGIN PASSWORD '${password}'`);
    try {
      const asStranger = new URL(secretA.url);
      asStranger.username = stranger;
      asStranger.password = password;
      await expect(connectAs(asStranger.toString())).rejects.toMatchObject({ code: '42501' });
      // Its password is right: it may log in where CONNECT is not revoked, so the refusal is the REVOKE.
      asStranger.pathname = '/postgres';
      expect(await connectAs(asStranger.toString())).toBe(stranger);
    } finally {
      await onServer('pg2', `DROP ROLE ${stranger}`);
    }
  });

  it('starts each database from its server’s template: migrated, and every table the tenant’s own', async () => {
    const secret = await databaseSecret(a);
    const tables = await onTenant(
      secret.url,
      `select tablename, tableowner from pg_tables where schemaname = 'public' order by tablename`,
    );
    expect(tables.map((t) => t.tablename)).toEqual(
      expect.arrayContaining([
        'agent_runs',
        'chat_messages',
        'findings',
        'knex_migrations',
        'workflow_history',
      ]),
    );
    expect(new Set(tables.map((t) => t.tableowner))).toEqual(new Set([tenantName(a)]));
    // The template's role keeps nothing in the clone: no object, no CREATE on its schema.
    expect(
      await onTenant(
        secret.url,
        `select has_schema_privilege('guardian_tenant_schema', 'public', 'CREATE') as c`,
      ),
    ).toEqual([{ c: false }]);
    // Owned, so the tenant's own later migrations can alter them; and writable.
    await onTenant(secret.url, `comment on table agent_runs is 'owned by the tenant'`);
    await onTenant(
      secret.url,
      `insert into agent_runs (run_id, environment, agents, status, summary, duration_ms, created_at, requested_by)
       values (gen_random_uuid(), 'production', '["cost-estimator"]', 'succeeded', '{}', 1, now(), 'it')`,
    );
    // Cloned rather than migrated: the migration was recorded once, in the template, and copied.
    const [tenantRun] = await onTenant(secret.url, 'select name, migration_time from knex_migrations');
    const closedTemplate = await onServer(
      'pg2',
      `select 1 from pg_database where datname = 'guardian_tenant_template' and not has_database_privilege('public', oid, 'CONNECT')`,
    );
    expect(closedTemplate).toHaveLength(1);
    const template = new URL(serverUrl('pg2', 'guardian_tenant_template'));
    const [original] = await onTenant(
      template.toString(),
      'select name, migration_time from knex_migrations',
    );
    expect(tenantRun).toEqual(original);
  });

  it('lets the platform measure the tenant database and bucket for GET /usage, through the Role the operator grants it', async () => {
    // The platform's identity the operator grants (PLATFORM_NAMESPACE and PLATFORM_SERVICE_ACCOUNT defaults).
    // The bucket counts with the database: 24 MiB of backups move the figure well past its precision.
    const secret = await coreApi.readNamespacedSecret({ name: 'guardian-storage', namespace: `org-${a}` });
    const credentials = parseStorageSecret(secret.data);
    if (!credentials) throw new Error(`org-${a} has no storage credentials`);
    const bucket = storeWith(credentials);
    await bucket.upload('backups/usage-probe', Readable.from([Buffer.alloc(24 * 1024 * 1024)]));
    const stored = await storedBytes(bucket);
    const api = await startPlatform({ kubeconfig: await platformKubeconfig('guardian-system') });
    try {
      await until('the platform to see the organization', () => api.platform.directory.get(a) !== undefined);
      const carol = new Browser(api.url);
      expect((await carol.login('carol@startupco.io')).status).toBe(200);
      const usage = await withToken(api.url, '/usage', await carol.token(a));
      expect(usage.status).toBe(200);
      const storage = (usage.body as { limits: Record<string, { used: number | null; note?: string }> })
        .limits.storage_gib;
      const [size] = await onServer<{ bytes: string }>('pg2', 'select pg_database_size($1)::text as bytes', [
        tenantName(a),
      ]);
      expect(storage?.note).toBeUndefined();
      expect(storage?.used).toBeCloseTo((Number(size?.bytes) + stored) / 1024 ** 3, 2);
      expect(stored).toBeGreaterThanOrEqual(24 * 1024 * 1024);
    } finally {
      await api.stop();
      await bucket.delete(['backups/usage-probe']);
    }
  });

  it('restores a deleted Secret, and the password in it works', async () => {
    const before = await databaseSecret(b);
    await coreApi.deleteNamespacedSecret({ name: 'guardian-database', namespace: `org-${b}` });
    const after = await eventually('the Secret to be back', () => databaseSecret(b).catch(() => undefined));
    expect(after.password).not.toBe(before.password);
    await eventually('the new password to work', () => connectAs(after.url).catch(() => undefined));
    await expect(connectAs(before.url)).rejects.toMatchObject({ code: '28P01' });
  });

  it('keeps a retained database, and never hands it to a new organization of the same name', async () => {
    const kept = uniqueName('it-kept');
    suite.track(kept);
    await apply(organization(kept, { database: { deletionPolicy: 'Retain' } }));
    const uid = (await organizationReady(kept)).metadata?.uid ?? '';
    const secret = await databaseSecret(kept);
    const client = new (await import('pg')).default.Client({ connectionString: secret.url });
    await client.connect();
    await client.query(`insert into chat_sessions (id, user_id) values ('kept-session', 'u1')`);
    await client.end();

    await deleteOrganizations(kept);
    // The operator that finalized it, this suite's, keeps the copy in its own namespace.
    const copies = await coreApi.listSecretForAllNamespaces({
      labelSelector: `guardian.aiops.dev/retained-organization=${kept}`,
    });
    // Its storage follows the database's policy, so its credentials are kept beside.
    expect(copies.items.map((copy) => `${copy.metadata?.namespace}/${copy.metadata?.name}`).sort()).toEqual([
      `${suite.namespace}/retained-database-${kept}`,
      `${suite.namespace}/retained-storage-${kept}`,
    ]);
    const where = copies.items.find((copy) =>
      copy.metadata?.name?.startsWith('retained-database-'),
    )?.metadata;
    const copy = await databaseSecret(kept, where?.name, where?.namespace);
    expect(copy.password).toBe(secret.password);
    const rows = await (async () => {
      const c = new (await import('pg')).default.Client({ connectionString: copy.url });
      await c.connect();
      try {
        return (await c.query('select id from chat_sessions')).rows;
      } finally {
        await c.end();
      }
    })();
    expect(rows).toEqual([{ id: 'kept-session' }]);

    await apply(organization(kept));
    // The old namespaces may still be terminating (NamespaceConflict) before the database is reached.
    const conflict = await eventually(
      'the database conflict',
      async () => {
        const found = condition(await readOrganization(kept), 'DatabaseReady');
        return found?.reason === 'DatabaseConflict' ? found : undefined;
      },
      90_000,
    );
    expect(conflict.status).toBe('False');
    expect(condition(await readOrganization(kept), 'Ready')?.status).toBe('False');
    expect(
      await kubectl('get', 'secret', 'guardian-database', '-n', `org-${kept}`).catch(() => 'absent'),
    ).toBe('absent');
    await deleteOrganizations(kept);
    // The retained database survives its namesake's deletion too; clean it up by hand.
    const server =
      (await leftoversOf(tenantName(kept))).find((f) => f.startsWith('database'))?.split(' on ')[1] ?? 'pg1';
    await onServer(server, `DROP DATABASE ${tenantName(kept)} WITH (FORCE)`);
    await onServer(server, `DROP ROLE ${tenantName(kept)}`);
    await s3Provisioner().remove(kept, uid);
  });

  it('serializes concurrent migrations of one database, and recovers a lock knex left behind', async () => {
    const secret = await databaseSecret(b);
    const provisioner = new TenantProvisioner(parseTenantServers(stackEnv('TENANT_DB_SERVERS')), {
      connectionLimit: 8,
    });
    const credentials = {
      server: 'pg2',
      database: secret.database,
      role: secret.user,
      password: secret.password,
    };
    try {
      await Promise.all([1, 2, 3].map(() => provisioner.migrate(credentials)));
      // What two racing knex runners leave: two lock rows, one of them taken.
      await onTenant(secret.url, 'insert into knex_migrations_lock (is_locked) values (1)');
      await provisioner.migrate(credentials);
      expect(await onTenant(secret.url, 'select is_locked from knex_migrations_lock')).toEqual([
        { is_locked: 0 },
      ]);
    } finally {
      await provisioner.close();
    }
  });

  it('brings a database made before the agent-runs schema up to date: the operator’s migration and the platform’s first use', async () => {
    const secret = await databaseSecret(b);
    // What a tenant database provisioned before 0002 holds: 0001's placeholder tables.
    const before0002 = `
      DROP TABLE agent_run_findings, findings, agent_runs;
      DROP TABLE IF EXISTS workflow_remediations;
      ALTER TABLE chat_sessions DROP COLUMN IF EXISTS last_active_at, DROP COLUMN IF EXISTS context;
      ALTER TABLE chat_messages DROP COLUMN IF EXISTS actions;
      DROP INDEX IF EXISTS chat_messages_by_session;
      CREATE TABLE agent_runs (id uuid PRIMARY KEY, agent text NOT NULL);
      CREATE TABLE findings (id uuid PRIMARY KEY, agent_run_id uuid REFERENCES agent_runs (id));
      DELETE FROM knex_migrations WHERE name <> '0001_tenant_schema'`;
    const runColumns = async () =>
      (
        await onTenant(
          secret.url,
          `select column_name from information_schema.columns where table_name = 'agent_runs' order by 1`,
        )
      ).map((row) => row.column_name);
    const provisioner = new TenantProvisioner(parseTenantServers(stackEnv('TENANT_DB_SERVERS')), {
      connectionLimit: 8,
    });
    const kube = new KubeClient(
      loadClusterAccess({ KUBECONFIG: await platformKubeconfig('guardian-system') }),
    );
    const pools = new TenantPools({ maxTenants: 2, connectionsPerTenant: 1 });
    try {
      await onTenant(secret.url, before0002);
      expect(await runColumns()).toEqual(['agent', 'id']);
      await provisioner.migrate({
        server: 'pg2',
        database: secret.database,
        role: secret.user,
        password: secret.password,
      });
      expect(await runColumns()).toContain('run_id');

      await onTenant(secret.url, before0002);
      const db = await new TenantDatabases({ kube, pools }).connect(b);
      expect(await runColumns()).toContain('run_id');
      const applied = await db.raw<{ rows: Array<{ name: string }> }>(
        'select name from knex_migrations order by id',
      );
      expect(applied.rows.map((row) => row.name)).toEqual(TENANT_MIGRATIONS);
    } finally {
      await pools.close();
      await kube.close();
      await provisioner.close();
    }
  });

  it('hands over the schema of a clone a crash left unadopted, at the next migration', async () => {
    const provisioner = new TenantProvisioner(parseTenantServers(stackEnv('TENANT_DB_SERVERS')), {
      connectionLimit: 8,
    });
    const name = `tenant_it_unadopted_${randomBytes(3).toString('hex')}`;
    const credentials = {
      server: 'pg1',
      database: name,
      role: name,
      password: randomBytes(12).toString('hex'),
    };
    try {
      await provisioner.ensureRole('pg1', name, credentials.password);
      await provisioner.createDatabase(
        'pg1',
        `tenant_it_warmup_${randomBytes(3).toString('hex')}`,
        name,
        'u',
      );
      // What a crash between CREATE DATABASE and the hand-over leaves: the template role's tables.
      await onServer('pg1', `CREATE DATABASE ${name} TEMPLATE guardian_tenant_template OWNER ${name}`);
      const url = provisioner.connectionString(credentials);
      await expect(
        onTenant(url, `insert into knex_migrations_lock (is_locked) values (0)`),
      ).rejects.toMatchObject({
        code: '42501',
      });
      await provisioner.migrate(credentials);
      const owners = await onTenant(
        url,
        `select distinct tableowner from pg_tables where schemaname = 'public'`,
      );
      expect(owners).toEqual([{ tableowner: name }]);
    } finally {
      for (const database of await onServer<{ datname: string }>(
        'pg1',
        `select datname from pg_database where pg_get_userbyid(datdba) = $1`,
        [name],
      ))
        await provisioner.drop('pg1', database.datname, name).catch(() => undefined);
      await provisioner.drop('pg1', name, name);
      await provisioner.close();
    }
  });

  it('keeps passwords out of logs, Events and conditions', async () => {
    const secrets = await Promise.all([databaseSecret(a), databaseSecret(b)]);
    const events = await kubectl('get', 'events', '-A', '-o', 'json');
    const statuses = JSON.stringify(
      [await readOrganization(a), await readOrganization(b)].map((o) => o.status),
    );
    for (const { password } of secrets) {
      expect(suite.operator.logs.join('')).not.toContain(password);
      expect(events).not.toContain(password);
      expect(statuses).not.toContain(password);
    }
  });

  it('drops the database and role with the organization', async () => {
    const gone = uniqueName('it-gone');
    await apply(organization(gone));
    await organizationReady(gone);
    expect(await leftoversOf(tenantName(gone))).toHaveLength(2);
    await deleteOrganizations(gone);
    expect(await leftoversOf(tenantName(gone))).toEqual([]);
  });
});
