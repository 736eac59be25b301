// Upgrading without an outage, from the previous release (charts/guardian/UPGRADE_FROM) to this
// checkout. The previous release is checked out beside this one (test/support/previous-release.ts)
// and installed with its own chart; since kwok runs no containers, its operator and two platform
// processes run locally as chart-install.test.ts runs them (the Deployments' environment, the
// ServiceAccounts' tokens), behind a local TCP proxy that stands in for the platform's Service.
// After loading organizations, teams and rows, `helm upgrade` to this chart, migrations as the new
// init container runs them, then the processes are replaced one at a time, as a rolling update
// replaces pods. Requests polled through the proxy the whole time must all succeed; every object
// and row must be intact; the new operator must not rewrite what did not change.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { freePort } from '../../scripts/stack/process.ts';
import {
  chartDir,
  containerEnv,
  containerOf,
  createReleaseSecrets,
  helm,
  type Local,
  parseManifests,
  runCommand,
  runLocally,
  serviceAccountKubeconfig,
  stackValues,
  valuesFile,
} from '../support/helm.ts';
import { eventually, k8s, kubeConfig, kubectl, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests } from '../support/operator.ts';
import { createUser, setMembership } from '../support/platform.ts';
import { previousRelease } from '../support/previous-release.ts';
import { ownPlatformDatabase } from '../support/release-database.ts';
import { stackEnv } from '../support/stack.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { deleteOrganizations, organizationReady, readOrganization } from '../support/tenancy.ts';
import { databaseSecret, onTenant } from '../support/tenant-db.ts';

const apps = kubeConfig().makeApiClient(k8s.AppsV1Api);
const core = kubeConfig().makeApiClient(k8s.CoreV1Api);

/** One GET through the proxy on a connection of its own (a Service sees new connections too). */
function get(port: number, path: string): Promise<number> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(0));
    req.end();
  });
}

describe('upgrading from the previous release with no failed request', () => {
  const release = uniqueName('upg');
  const namespace = release;
  const fullname = `${release}-guardian`;
  const orgs = [uniqueName('e2e-upg'), uniqueName('e2e-upg')];
  const valuesPath = valuesFile(stackValues(release));
  const proxy = new TcpProxy();
  let previous = { commit: '', dir: '' };
  let operator: { local: Local; port: number } | undefined;
  let platforms: Array<{ local: Local; port: number }> = [];
  let installed = false;
  const polled = { ok: 0, failed: [] as string[] };
  let polling: Promise<void> | undefined;
  let stopPolling = false;

  const deploymentSpec = async (component: string) =>
    (await apps.readNamespacedDeployment({ name: `${fullname}-${component}`, namespace })).spec?.template
      .spec;

  async function startOperator(root: string) {
    const spec = await deploymentSpec('operator');
    const env = await containerEnv(containerOf(spec, 'operator'), namespace, {
      'metadata.name': uniqueName('operator'),
    });
    const port = await freePort();
    const local = runLocally(
      containerOf(spec, 'operator').args ?? [],
      {
        ...env,
        OPERATOR_PROBE_ADDRESS: '127.0.0.1',
        OPERATOR_METRICS_PORT: String(port),
        KUBECONFIG: await serviceAccountKubeconfig(namespace, spec?.serviceAccountName ?? ''),
      },
      root,
    );
    await eventually('the operator to be ready', async () => {
      if (local.child.exitCode !== null) throw new Error(`operator exited: ${local.logs.join('')}`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
    });
    return { local, port, pod: env.POD_NAME };
  }

  async function migrate(root: string) {
    const migration = containerOf(await deploymentSpec('platform'), 'migrate', true);
    const env = await containerEnv(migration, namespace, {});
    const result = await runCommand(
      process.execPath,
      [`${root}/bin/guardian.ts`, ...(migration.args ?? [])],
      {
        env: { PATH: process.env.PATH, ...env },
        cwd: root,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }

  async function startPlatform(root: string) {
    const spec = await deploymentSpec('platform');
    const container = containerOf(spec, 'platform');
    const port = await freePort();
    const local = runLocally(
      container.args ?? [],
      {
        ...(await containerEnv(container, namespace, {})),
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: '0',
        OIDC_CA_FILE: stackEnv('STACK_CA_FILE'),
        KUBECONFIG: await serviceAccountKubeconfig(namespace, spec?.serviceAccountName ?? ''),
      },
      root,
    );
    await eventually(
      'the platform to be ready',
      async () => {
        if (local.child.exitCode !== null) throw new Error(`platform exited: ${local.logs.join('')}`);
        return (await get(port, '/readyz')) === 200;
      },
      90_000,
    );
    return { local, port };
  }

  /**
   * Every row of the organizations in the platform database (read as the app role, inside each
   * organization's row level security), and of their tenant databases.
   */
  async function rows(): Promise<string[]> {
    const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
    const found: string[] = [];
    try {
      const { rows: tables } = await db.raw<{ rows: Array<{ table_name: string }> }>(
        `select distinct table_name from information_schema.columns
          where table_schema = 'public' and column_name = 'org_id' order by table_name`,
      );
      for (const org of orgs)
        await withTenant(db, { orgId: org }, async (trx) => {
          for (const { table_name } of tables) {
            const { rows: texts } = await trx.raw<{ rows: Array<{ row: string }> }>(
              'select t::text as row from ?? t where org_id = ? order by 1',
              [table_name, org],
            );
            found.push(...texts.map((t) => `${table_name} ${t.row}`));
          }
        });
    } finally {
      await db.destroy();
    }
    for (const org of orgs) {
      const { url } = await databaseSecret(org);
      for (const row of await onTenant(url, 'select w::text as row from workflow_history w order by 1'))
        found.push(`${org} workflow_history ${row.row}`);
    }
    return found;
  }

  /** Each Organization's spec, labels, finalizers and status conditions. */
  async function organizations() {
    return Promise.all(
      orgs.map(async (org) => {
        const { metadata, spec, status } = await readOrganization(org);
        return {
          spec,
          labels: metadata?.labels,
          finalizers: metadata?.finalizers,
          conditions: status?.conditions ?? [],
        };
      }),
    );
  }

  /** kind/namespace/name=resourceVersion of each organization's namespaces, their Teams and children. */
  async function objects(): Promise<string[]> {
    const list = async (...args: string[]) =>
      (
        await kubectl(
          'get',
          ...args,
          '-o',
          'jsonpath={range .items[*]}{.kind}/{.metadata.namespace}/{.metadata.name}={.metadata.resourceVersion}{"\\n"}{end}',
        )
      )
        .split('\n')
        .filter(Boolean);
    const found: string[] = [];
    const namespaces: string[] = [];
    for (const org of orgs) {
      const labeled = await list('namespaces', '-l', `guardian.aiops.dev/organization=${org}`);
      found.push(...labeled);
      namespaces.push(...labeled.map((line) => line.split('=')[0]?.split('/')[2] ?? ''));
    }
    for (const ns of namespaces)
      found.push(
        ...(await list(
          'teams,resourcequotas,limitranges,networkpolicies,roles,rolebindings,serviceaccounts,secrets,configmaps',
          '--namespace',
          ns,
        )),
      );
    return found.sort();
  }

  /** The objects, once two reads a few seconds apart agree (the operator has settled). */
  const settled = () =>
    eventually(
      'the objects to settle',
      async () => {
        const first = await objects();
        await new Promise((done) => setTimeout(done, 3000));
        const second = await objects();
        return JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
      },
      120_000,
    );

  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    previous = await previousRelease();
    dropDatabase = await ownPlatformDatabase();
    await applyGuardianManifests();
    await proxy.start();
  }, 1_500_000);

  afterAll(async () => {
    stopPolling = true;
    await polling;
    await deleteOrganizations(...orgs).catch(() => undefined);
    await operator?.local.stop();
    for (const platform of platforms) await platform.local.stop();
    if (installed)
      await helm('uninstall', release, '--namespace', namespace, '--wait').catch(() => undefined);
    await applyGuardianManifests();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await proxy.close();
    await dropDatabase?.();
  }, 300_000);

  it('installs the previous release: its chart, migrations, operator and two platform processes behind the proxy', async () => {
    expect(previous.dir).not.toContain(chartDir);
    await kubectl('create', 'namespace', namespace);
    await createReleaseSecrets(namespace);
    // --take-ownership, here and on upgrade: the shared test cluster's plans, tenant roles and
    // admission policies were installed by the other suites, not by this release.
    const out = await helm(
      'install',
      release,
      `${previous.dir}/charts/guardian`,
      '--namespace',
      namespace,
      '-f',
      valuesPath,
      '--take-ownership',
      '--wait',
      '--timeout',
      '3m',
    );
    installed = true;
    expect(out).toContain('STATUS: deployed');
    operator = await startOperator(previous.dir);
    await migrate(previous.dir);
    platforms = [await startPlatform(previous.dir), await startPlatform(previous.dir)];
    proxy.setBackends(platforms.map((p) => p.port));
    expect(await get(proxy.port, '/readyz')).toBe(200);
  }, 600_000);

  it('loads organizations, teams and rows in the platform and tenant databases', async () => {
    for (const org of orgs) {
      const manifest = {
        apiVersion: 'guardian.aiops.dev/v1alpha1',
        kind: 'Organization',
        metadata: { name: org },
        spec: { displayName: org, plan: 'starter', owners: [{ kind: 'User', name: 'alice@techcorp.com' }] },
      };
      const applied = await runCommand(
        'kubectl',
        ['apply', '--server-side', '--field-manager=guardian-e2e', '-f', '-'],
        {
          input: JSON.stringify(manifest),
        },
      );
      expect(applied.code, applied.stderr).toBe(0);
    }
    for (const org of orgs) await organizationReady(org, 'True', 120_000);
    for (const org of orgs) {
      for (const team of ['platform', 'payments']) {
        const manifest = {
          apiVersion: 'guardian.aiops.dev/v1alpha1',
          kind: 'Team',
          metadata: { name: team, namespace: `org-${org}` },
          spec: {
            displayName: team,
            members: [{ kind: 'User', name: 'bob@techcorp.com', role: 'team_member' }],
          },
        };
        const applied = await runCommand(
          'kubectl',
          ['apply', '--server-side', '--field-manager=guardian-e2e', '-f', '-'],
          {
            input: JSON.stringify(manifest),
          },
        );
        expect(applied.code, applied.stderr).toBe(0);
      }
      await setMembership(org, await createUser(), 'team_member');
      const { url } = await databaseSecret(org);
      await onTenant(
        url,
        `insert into workflow_history (workflow_id, event) values ('before-upgrade', 'created')`,
      );
    }
    const loaded = await rows();
    expect(loaded.filter((row) => row.startsWith('memberships '))).toHaveLength(orgs.length);
    expect(loaded.filter((row) => row.includes(' workflow_history '))).toHaveLength(orgs.length);
  }, 300_000);

  it('upgrades with helm, migrates, and replaces the processes one at a time: no failed request, nothing lost, nothing rewritten', async () => {
    const objectsBefore = await settled();
    const rowsBefore = await rows();
    const organizationsBefore = await organizations();
    expect(objectsBefore.filter((o) => o.startsWith('Team/'))).toHaveLength(2 * orgs.length);

    polling = (async () => {
      while (!stopPolling) {
        const status = await get(proxy.port, '/readyz');
        if (status === 200) polled.ok++;
        else polled.failed.push(`${new Date().toISOString()} ${status}`);
        await new Promise((done) => setTimeout(done, 50));
      }
    })();

    const out = await helm(
      'upgrade',
      release,
      chartDir,
      '--namespace',
      namespace,
      '-f',
      valuesPath,
      '--take-ownership',
      '--wait',
      '--timeout',
      '3m',
    );
    expect(out).toContain('REVISION: 2');
    // The CRD hook ran and, having succeeded, left nothing behind.
    const hooks = parseManifests(await helm('get', 'hooks', release, '--namespace', namespace));
    expect(hooks.map((h) => `${h.kind}/${h.metadata.name}`)).toContain(`Job/${fullname}-install-crds`);
    await eventually(
      'the hook Job to be deleted',
      async () =>
        (await kubectl('get', 'jobs', '--namespace', namespace, '-o', 'name')).trim() === '' || undefined,
    );

    await migrate(process.cwd());
    // The rolling update: a new pod Ready, then an old one taken out of the Service and stopped.
    for (const [index, old] of platforms.entries()) {
      const fresh = await startPlatform(process.cwd());
      platforms[index] = fresh;
      proxy.setBackends(platforms.map((p) => p.port));
      await old.local.stop();
    }
    // The operator: the old leader stops, the new one takes the Lease over.
    const old = operator;
    await old?.local.stop();
    operator = await startOperator(process.cwd());
    const leader = operator;
    await eventually(
      'the new operator to lead and reconcile every organization',
      async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${leader.port}/metrics`)).text();
        const reconciled = metrics
          .split('\n')
          .filter(
            (line) =>
              line.startsWith('guardian_reconcile_total{') && line.includes('controller="organization"'),
          )
          .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
        return reconciled >= orgs.length;
      },
      120_000,
    );
    await new Promise((done) => setTimeout(done, 5000));
    stopPolling = true;
    await polling;

    expect(polled.failed).toEqual([]);
    expect(polled.ok).toBeGreaterThan(20);
    // Nothing lost or rewritten: every row is still there as it was. What the new release adds is
    // its operator's subscription.started entries, the backfill for organizations older than the
    // entry (appending moves a chain's head row, which is what a head is for).
    const chainHead = (row: string) => row.startsWith('audit_heads ');
    const rowsAfter = await rows();
    expect(rowsAfter).toEqual(expect.arrayContaining(rowsBefore.filter((row) => !chainHead(row))));
    const added = rowsAfter.filter((row) => !rowsBefore.includes(row) && !chainHead(row));
    expect(added.filter((row) => !row.includes('subscription.started'))).toEqual([]);
    expect(added.filter((row) => row.startsWith('audit_log '))).toHaveLength(orgs.length);
    expect(await objects()).toEqual(objectsBefore);
    // An Organization's status may gain what the new release reports (a condition it adds), but
    // nothing it held changes: the same spec, and every condition as it was, transition time and all.
    const organizationsAfter = await organizations();
    for (const [index, before] of organizationsBefore.entries()) {
      const after = organizationsAfter[index];
      expect({ ...after, conditions: [] }).toEqual({ ...before, conditions: [] });
      expect(after?.conditions).toEqual(expect.arrayContaining(before.conditions));
    }
  }, 900_000);
});
