// `helm install` of the chart into the local control plane, following docs/install/index.md's "Installing on
// a cluster" steps: Secrets first, then helm install; upgrade; teardown in the documented order.
// kwok runs no containers, so what the pods would run is run here, locally, from what the chart
// rendered into the cluster: the operator and the platform with their Deployments' environment
// (Secrets and all) and their ServiceAccounts' tokens, the platform's migration init container,
// and the `helm test` pod's readiness check. Hooks are never faked with kwok stages.
//
// It is an e2e test, run after the integration suites, because it installs cluster-wide objects
// (plans, tenant roles) and runs an operator whose PLATFORM_NAMESPACE is the release's: the
// integration suites' operators use another, and two operators with different settings would
// rewrite each other's tenant NetworkPolicies.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/process.ts';
import {
  chartDir,
  containerEnv,
  containerOf,
  createReleaseSecrets,
  helm,
  type Local,
  objectsOfRelease,
  parseManifests,
  repo,
  runCommand,
  runLocally,
  serviceAccountKubeconfig,
  stackValues,
  valuesFile,
} from '../support/helm.ts';
import { eventually, k8s, kubeConfig, kubectl, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests } from '../support/operator.ts';
import { stackEnv } from '../support/stack.ts';
import {
  condition,
  deleteOrganizations,
  organization,
  organizationReady,
  readOrganization,
} from '../support/tenancy.ts';

const config = kubeConfig();
const apps = config.makeApiClient(k8s.AppsV1Api);
const core = config.makeApiClient(k8s.CoreV1Api);
const objects = k8s.KubernetesObjectApi.makeApiClient(config);
const guardian = resolve(repo, 'bin/guardian.ts');

async function deployment(name: string, namespace: string) {
  return apps.readNamespacedDeployment({ name, namespace });
}

describe('helm install, upgrade, test and uninstall on the local control plane', () => {
  const release = uniqueName('gdn');
  const namespace = release;
  const fullname = `${release}-guardian`;
  const org = uniqueName('e2e-chart');
  const values = stackValues(release);
  const valuesPath = valuesFile(values);
  let operator: Local | undefined;
  let platform: Local | undefined;
  let installed = false;

  beforeAll(async () => {
    // The shared test cluster already has Guardian's CRDs (the other suites install them); helm
    // install then leaves them as they are, as it does on any cluster that has them.
    await applyGuardianManifests();
  });
  afterAll(async () => {
    await deleteOrganizations(org).catch(() => undefined);
    await operator?.stop();
    await platform?.stop();
    if (installed)
      await helm('uninstall', release, '--namespace', namespace, '--wait').catch(() => undefined);
    // The plans are shared with the other suites: put back the numbers this test changed.
    await applyGuardianManifests();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('installs as docs/install/index.md says: Secrets in the namespace, then helm install; the Deployments get Ready pods', async () => {
    await kubectl('create', 'namespace', namespace);
    await createReleaseSecrets(namespace);

    // --take-ownership: the plans, tenant roles and admission policy exist already, installed by
    // the other suites (on a real cluster: kept by an earlier release; see docs/install/index.md).
    const out = await helm(
      'install',
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
    installed = true;
    expect(out).toContain('STATUS: deployed');
    expect(out).toContain(`https://${release}.guardian.test`);

    // The readiness check the notes print works as printed.
    const wait = out.split('\n').find((line) => line.trim().startsWith('kubectl') && line.includes(' wait '));
    const [, ...waitArgs] = wait?.trim().split(/\s+/) ?? [];
    expect(waitArgs).toContain('--for=condition=Available');
    expect(await kubectl(...waitArgs)).toContain(`deployment.apps/${fullname}-operator condition met`);
    for (const name of [`${fullname}-operator`, `${fullname}-platform`]) {
      const status = (await deployment(name, namespace)).status;
      expect(status?.readyReplicas, name).toBe(2);
    }
    const pods = await core.listNamespacedPod({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${release}`,
    });
    expect(pods.items).toHaveLength(4);
    for (const pod of pods.items) expect(pod.spec?.nodeName).toBe('kwok-node-0');
  });

  it("runs the operator as the chart's ServiceAccount with the settings it rendered; an Organization becomes Ready", async () => {
    const rendered = await deployment(`${fullname}-operator`, namespace);
    const podSpec = rendered.spec?.template.spec;
    const container = containerOf(podSpec, 'operator');
    const [pod] = (
      await core.listNamespacedPod({
        namespace,
        labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=operator`,
      })
    ).items;
    const podName = pod?.metadata?.name ?? '';
    const env = await containerEnv(container, namespace, { 'metadata.name': podName });
    // PLATFORM_NAMESPACE is what tenant NetworkPolicies admit. (Not asserted on the policies
    // themselves: the test stack is shared, and an operator of another run may own them.)
    expect(env).toMatchObject({
      OPERATOR_NAMESPACE: namespace,
      PLATFORM_NAMESPACE: namespace,
      LEADER_ELECT: 'true',
      OPERATOR_PROBE_ADDRESS: '0.0.0.0',
      TENANT_DB_SERVERS: stackEnv('TENANT_DB_SERVERS'),
    });
    const port = await freePort();
    const kubeconfig = await serviceAccountKubeconfig(namespace, podSpec?.serviceAccountName ?? '');
    // The probes listen on loopback here rather than on every interface of this machine.
    operator = runLocally(container.args ?? [], {
      ...env,
      OPERATOR_PROBE_ADDRESS: '127.0.0.1',
      OPERATOR_METRICS_PORT: String(port),
      KUBECONFIG: kubeconfig,
    });
    const local = operator;
    await eventually('the operator to be ready', async () => {
      if (local.child.exitCode !== null) throw new Error(`operator exited: ${local.logs.join('')}`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
    });

    await objects.patch(
      organization(org, {
        plan: 'starter',
        owners: [{ kind: 'User', name: 'alice@techcorp.com' }],
      }) as k8s.KubernetesObject,
      undefined,
      undefined,
      'guardian-e2e',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    const ready = await organizationReady(org, 'True', 90_000);
    expect(condition(ready, 'Ready')?.status).toBe('True');
    const lease = await config
      .makeApiClient(k8s.CoordinationV1Api)
      .readNamespacedLease({ name: 'guardian-operator', namespace });
    expect(lease.spec?.holderIdentity).toBe(podName);
  });

  it("migrates as the init container would, serves /readyz as the platform's ServiceAccount, and passes the helm test pod's check", async () => {
    const rendered = await deployment(`${fullname}-platform`, namespace);
    const podSpec = rendered.spec?.template.spec;
    const migrateContainer = containerOf(podSpec, 'migrate', true);
    const migrateEnv = await containerEnv(migrateContainer, namespace, {});
    const migration = await runCommand(process.execPath, [guardian, ...(migrateContainer.args ?? [])], {
      env: { PATH: process.env.PATH, ...migrateEnv },
    });
    expect(migration.stderr).toBe('');
    expect(migration.code).toBe(0);

    // The helm test hook, as the release stored it.
    const hooks = parseManifests(await helm('get', 'hooks', release, '--namespace', namespace));
    const testPod = hooks.find((hook) => hook.metadata.annotations?.['helm.sh/hook'] === 'test');
    const command =
      (testPod?.spec as { containers: Array<{ command: string[] }> } | undefined)?.containers[0]?.command ??
      [];
    const serviceUrl = `http://${fullname}-platform.${namespace}.svc:8080/readyz`;
    expect(command).toEqual(['wget', '-q', '-O', '-', '-T', '10', serviceUrl]);
    const service = await core.readNamespacedService({ name: `${fullname}-platform`, namespace });
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 8080, targetPort: 'http' });

    const port = await freePort();
    const local = `http://127.0.0.1:${port}/readyz`;
    const check = () =>
      runCommand(command[0] ?? 'wget', [...command.slice(1, -1), local], { timeoutMs: 20_000 });
    // Nothing listens yet: the check fails.
    expect((await check()).code).not.toBe(0);

    const container = containerOf(podSpec, 'platform');
    const env = await containerEnv(container, namespace, {});
    expect(env).toMatchObject({
      HOST: '0.0.0.0',
      PUBLIC_URL: `https://${release}.guardian.test`,
      OIDC_ISSUER: stackEnv('OIDC_ISSUER'),
      GUARDIAN_SUPER_ADMINS: 'root@guardian.local',
      GUARDIAN_PRODUCT_NAME: 'Guardian',
      OIDC_CA_FILE: '/etc/guardian/oidc-ca/ca.crt',
    });
    // The CA the pod would mount is the stack's; here it is read from where it lies.
    const ca = await core.readNamespacedConfigMap({ name: `${fullname}-oidc-ca`, namespace });
    expect(ca.data?.['ca.crt']?.trim()).toBe(readFileSync(stackEnv('STACK_CA_FILE'), 'utf8').trim());
    platform = runLocally(container.args ?? [], {
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      OIDC_CA_FILE: stackEnv('STACK_CA_FILE'),
      KUBECONFIG: await serviceAccountKubeconfig(namespace, podSpec?.serviceAccountName ?? ''),
    });
    const running = platform;
    const passed = await eventually(
      "the helm test pod's check to pass",
      async () => {
        if (running.child.exitCode !== null) throw new Error(`platform exited: ${running.logs.join('')}`);
        const result = await check();
        return result.code === 0 ? result : undefined;
      },
      60_000,
    );
    expect(JSON.parse(passed.stdout)).toMatchObject({ status: 'ok' });
  });

  it('upgrades: a changed plan number and replica count are applied, and the operator carries the plan into the tenant', async () => {
    const out = await helm(
      'upgrade',
      release,
      chartDir,
      '--namespace',
      namespace,
      '-f',
      valuesPath,
      '--set',
      'operator.replicas=3',
      '--set',
      'plans.starter.apiCallsPerHour=150',
      '--set',
      'plans.starter.resourceQuota.hard.pods=25',
      '--wait',
      '--timeout',
      '3m',
    );
    expect(out).toContain('REVISION: 2');
    const starter = JSON.parse(await kubectl('get', 'quotapolicy', 'starter', '-o', 'json'));
    expect(starter.spec.apiCallsPerHour).toBe(150);
    expect((await deployment(`${fullname}-operator`, namespace)).status?.readyReplicas).toBe(3);
    await eventually('the tenant quota to follow the plan', async () => {
      const quota = await core.readNamespacedResourceQuota({
        name: 'guardian-plan',
        namespace: `org-${org}--production`,
      });
      return quota.spec?.hard?.pods === '25';
    });
  });

  it('tears down in the documented order: organizations first, then the release; only what is kept by design remains', async () => {
    const before = await objectsOfRelease(release);
    // The positive control: the listing sees the release's objects, pods included.
    for (const expected of [
      `Deployment/${namespace}/${fullname}-operator`,
      `Service/${namespace}/${fullname}-platform`,
      `ClusterRole/${fullname}-operator`,
    ])
      expect(before).toContain(expected);
    expect(before.filter((name) => name.startsWith('Pod/'))).toHaveLength(5);

    // 1. Organizations, while the operator runs (it removes their namespaces and databases).
    await kubectl('delete', 'organization', org, '--wait=true', '--timeout=120s');
    await expect(readOrganization(org)).rejects.toMatchObject({ code: 404 });
    await operator?.stop();
    await platform?.stop();

    // 2. The release. What it keeps is what its manifest marks `keep`: the plans, the tenant
    // roles and the admission policy.
    const manifest = parseManifests(await helm('get', 'manifest', release, '--namespace', namespace));
    const kept = manifest
      .filter((object) => object.metadata.annotations?.['helm.sh/resource-policy'] === 'keep')
      .map((object) => `${object.kind}/${object.metadata.name}`)
      .sort();
    expect(kept).toEqual(
      expect.arrayContaining([
        'QuotaPolicy/starter',
        'QuotaPolicy/custom',
        'ClusterRole/guardian:org_owner',
        'ClusterRole/guardian:agent',
        'ValidatingAdmissionPolicy/guardian-plan-in-use',
        'ValidatingAdmissionPolicyBinding/guardian-plan-in-use',
        'ValidatingAdmissionPolicy/guardian-workflow-requester',
        'ValidatingAdmissionPolicyBinding/guardian-workflow-requester',
        'ValidatingAdmissionPolicy/guardian-workflow-approver',
        'ValidatingAdmissionPolicyBinding/guardian-workflow-approver',
      ]),
    );
    expect(kept.filter((name) => name.includes(fullname))).toEqual([]);
    await helm('uninstall', release, '--namespace', namespace, '--wait', '--timeout', '3m');
    installed = false;
    const after = await eventually(
      'nothing of the release but what it keeps',
      async () => {
        const left = await objectsOfRelease(release);
        return JSON.stringify(left) === JSON.stringify(kept) ? left : undefined;
      },
      60_000,
    ).catch(async (error) => {
      throw new Error(`left behind: ${(await objectsOfRelease(release)).join(', ')}`, { cause: error });
    });
    expect(after).toEqual(kept);
    expect(
      await kubectl(
        'get',
        'secrets',
        '--namespace',
        namespace,
        '-l',
        `owner=helm,name=${release}`,
        '-o',
        'name',
      ),
    ).toBe('');
    // 3.-4. of the documented teardown (docs/install/index.md), as a server-side dry run: the other suites share these.
    const roles = await kubectl(
      'delete',
      'clusterroles',
      '-l',
      'app.kubernetes.io/component=tenant-rbac',
      '--dry-run=server',
      '-o',
      'name',
    );
    expect(
      roles
        .trim()
        .split('\n')
        .map((name) => name.replace('clusterrole.rbac.authorization.k8s.io/', 'ClusterRole/'))
        .sort(),
    ).toEqual(kept.filter((name) => name.startsWith('ClusterRole/')));
    const policy = await kubectl(
      'delete',
      'validatingadmissionpolicybinding,validatingadmissionpolicy',
      'guardian-plan-in-use',
      'guardian-workflow-requester',
      'guardian-workflow-approver',
      '--dry-run=server',
    );
    // A binding and a policy each.
    expect(policy.trim().split('\n')).toHaveLength(6);
    const crds = await kubectl('delete', '-f', resolve(chartDir, 'crds'), '--dry-run=server');
    expect(crds.trim().split('\n')).toHaveLength(readdirSync(resolve(chartDir, 'crds')).length);
    // Kept by design: the CRDs, and the Secrets the user created.
    expect(await kubectl('get', 'crd', 'organizations.guardian.aiops.dev', '-o', 'name')).toContain(
      'organizations',
    );
    expect(
      await kubectl('get', 'secret', 'guardian-database', '--namespace', namespace, '-o', 'name'),
    ).toContain('guardian-database');
  });
});
