// `guardian install-crds`, the chart's pre-install/pre-upgrade hook, against the real apiserver:
// run as the hook's own ServiceAccount with the rights the chart renders (and nothing more),
// idempotent, upgrading a changed schema, and moving objects off a version a new CRD drops (the
// stored-versions migration). The schema and version steps use a CRD of this test's own group,
// since the shared stack's suites depend on Guardian's CRDs as they are.
import { resolve } from 'node:path';
import { ApiError } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRD_FILES, loadManifests, type Manifest } from '../../crds/src/index.ts';
import { installDefinitions } from '../../crds/src/install.ts';
import type { CrdObject } from '../../crds/src/stored-versions.ts';
import { renderChart, repo, runCommand, serviceAccountKubeconfig } from '../support/helm.ts';
import { adminClient, kubectl, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests } from '../support/operator.ts';

const guardian = resolve(repo, 'bin/guardian.ts');
const client = adminClient();

/** The hook's ServiceAccount, ClusterRole and ClusterRoleBinding as the chart renders them. */
async function hookRbac(release: string, namespace: string): Promise<Manifest[]> {
  const { objects } = await renderChart({ release, namespace });
  return objects.filter(
    (o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'install-crds' && o.kind !== 'Job',
  );
}

const crdVersions = async () =>
  Object.fromEntries(
    await Promise.all(
      loadManifests('crds').map(async (crd) => {
        const found = await client.get<CrdObject>(core.customResourceDefinition, crd.metadata.name);
        return [crd.metadata.name, found.metadata?.resourceVersion] as const;
      }),
    ),
  );

describe("guardian install-crds as the chart's hook runs it", () => {
  const release = uniqueName('crds');
  const namespace = release;
  let rbac: Manifest[] = [];
  let kubeconfig = '';
  const asHook = (...args: string[]) =>
    runCommand('kubectl', [...args, '--kubeconfig', kubeconfig], { timeoutMs: 30_000 });

  beforeAll(async () => {
    await applyGuardianManifests();
    await kubectl('create', 'namespace', namespace);
    rbac = await hookRbac(release, namespace);
    expect(rbac.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ServiceAccount']);
    await runCommand('kubectl', ['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: rbac }),
    });
    const account = rbac.find((o) => o.kind === 'ServiceAccount')?.metadata.name ?? '';
    kubeconfig = await serviceAccountKubeconfig(namespace, account);
  });
  afterAll(async () => {
    for (const object of rbac.filter((o) => o.kind !== 'ServiceAccount'))
      await kubectl('delete', object.kind.toLowerCase(), object.metadata.name, '--ignore-not-found');
    await kubectl('delete', 'namespace', namespace, '--wait=false', '--ignore-not-found');
  });

  it('applies the CRDs as the ServiceAccount, and a second run changes nothing (same resourceVersions)', async () => {
    const run = () =>
      runCommand(process.execPath, [guardian, 'install-crds'], {
        env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig },
      });
    const first = await run();
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('Applied the CRDs');
    expect(first.code).toBe(0);
    const applied = await crdVersions();
    for (const crd of loadManifests('crds')) {
      const found = await client.get<CrdObject>(core.customResourceDefinition, crd.metadata.name);
      const fields = (found.metadata as { managedFields?: Array<{ manager?: string }> }).managedFields;
      const managers = (fields ?? []).map((f) => f.manager);
      expect(managers, crd.metadata.name).toContain('guardian-install-crds');
    }
    expect(Object.keys(applied)).toHaveLength(CRD_FILES.length);

    const second = await run();
    expect(second.code).toBe(0);
    expect(await crdVersions()).toEqual(applied);
  });

  it('may change Guardian CRDs and store their objects again, and nothing else', async () => {
    const can = async (...args: string[]) => (await asHook('auth', 'can-i', ...args)).stdout.trim();
    // What it needs.
    expect(await can('patch', 'customresourcedefinitions/organizations.guardian.aiops.dev')).toBe('yes');
    expect(
      await can('update', 'customresourcedefinitions/teams.guardian.aiops.dev', '--subresource=status'),
    ).toBe('yes');
    expect(await can('update', 'organizations.guardian.aiops.dev')).toBe('yes');
    // What it must not do.
    expect(await can('patch', 'customresourcedefinitions/widgets.example.com')).toBe('no');
    expect(await can('delete', 'customresourcedefinitions/organizations.guardian.aiops.dev')).toBe('no');
    expect(await can('delete', 'organizations.guardian.aiops.dev')).toBe('no');
    expect(await can('create', 'organizations.guardian.aiops.dev')).toBe('no');
    expect(await can('patch', 'quotapolicies.guardian.aiops.dev')).toBe('no');
    expect(await can('create', 'validatingadmissionpolicies')).toBe('no');
    expect(await can('get', 'secrets', '--namespace', namespace)).toBe('no');
    expect(await can('create', 'clusterrolebindings')).toBe('no');
    // And the apiserver agrees: a real request outside its rights is refused.
    const refused = await asHook('delete', 'crd', 'teams.guardian.aiops.dev', '--dry-run=server');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('forbidden');
  });
});

// --- A CRD of this test's own, through the same code path ----------------------------------

const group = `${uniqueName('upgrade').replace('-', '')}.test.guardian.aiops.dev`;
const plural = 'widgets';
const crdName = `${plural}.${group}`;

function widgetCrd(versions: Array<{ name: string; storage: boolean; fields: string[] }>): Manifest {
  const schema = (fields: string[]) => ({
    openAPIV3Schema: {
      type: 'object',
      properties: {
        spec: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { type: 'integer' }])) },
      },
    },
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName },
    spec: {
      group,
      scope: 'Cluster',
      names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        schema: schema(v.fields),
      })),
    },
  };
}

const widgets = (version: string) => ({
  apiVersion: `${group}/${version}`,
  kind: 'Widget',
  plural,
  namespaced: false,
});
const widget = (version: string, name: string, spec: Record<string, number>) =>
  ({ apiVersion: `${group}/${version}`, kind: 'Widget', metadata: { name }, spec }) as KubeObject;
const installed = () => client.get<CrdObject>(core.customResourceDefinition, crdName);

describe('installing a changed CRD over an installed one', () => {
  afterAll(async () => {
    await client.delete(core.customResourceDefinition, crdName);
  });

  it('upgrades a changed schema: a field the old one refused is accepted after, and a second run changes nothing', async () => {
    await installDefinitions(client, [widgetCrd([{ name: 'v1', storage: true, fields: ['size'] }])]);
    await client.create(widgets('v1'), widget('v1', 'small', { size: 1 }));
    await expect(
      client.create(widgets('v1'), widget('v1', 'colored', { size: 1, color: 2 })),
    ).rejects.toThrow(/unknown field "spec.color"/);

    const wider = widgetCrd([{ name: 'v1', storage: true, fields: ['size', 'color'] }]);
    await installDefinitions(client, [wider]);
    await client.create(widgets('v1'), widget('v1', 'colored', { size: 1, color: 2 }));
    const version = (await installed()).metadata?.resourceVersion;
    await installDefinitions(client, [wider]);
    expect((await installed()).metadata?.resourceVersion).toBe(version);
    // The object made before is intact.
    expect((await client.get<KubeObject & { spec: object }>(widgets('v1'), 'small')).spec).toEqual({
      size: 1,
    });
  });

  it('refuses to drop the storage version in one step, and leaves the CRD as it was', async () => {
    const before = await installed();
    expect(before.status?.storedVersions).toEqual(['v1']);
    await expect(
      installDefinitions(client, [widgetCrd([{ name: 'v2', storage: true, fields: ['size', 'color'] }])]),
    ).rejects.toThrow(/drops version v1.*upgrade to the release that made v2 the storage version first/);
    const after = await installed();
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.spec?.versions?.map((v) => v.name)).toEqual(['v1']);
  });

  it('drops a version after the release that moved storage: objects stored again, storedVersions cut, nothing lost', async () => {
    // Release N+1: v2 becomes the storage version, v1 still served.
    const fields = ['size', 'color'];
    await installDefinitions(client, [
      widgetCrd([
        { name: 'v1', storage: false, fields },
        { name: 'v2', storage: true, fields },
      ]),
    ]);
    expect((await installed()).status?.storedVersions).toEqual(['v1', 'v2']);
    const before = await client.list<KubeObject & { spec: object }>(widgets('v2'));
    expect(before.items.map((w) => w.metadata?.name).sort()).toEqual(['colored', 'small']);

    // Release N+2 drops v1: the apiserver alone would refuse it (storedVersions names v1).
    const dropped = widgetCrd([{ name: 'v2', storage: true, fields }]);
    const direct = await client
      .apply(core.customResourceDefinition, dropped as KubeObject, { fieldManager: 'guardian-test' })
      .catch((error: unknown) => error);
    expect(direct).toBeInstanceOf(ApiError);
    expect(String((direct as ApiError).message)).toContain('storedVersions');

    await installDefinitions(client, [dropped]);
    const after = await installed();
    expect(after.status?.storedVersions).toEqual(['v2']);
    expect(after.spec?.versions?.map((v) => v.name)).toEqual(['v2']);
    const now = await client.list<KubeObject & { spec: object }>(widgets('v2'));
    for (const old of before.items) {
      const same = now.items.find((w) => w.metadata?.name === old.metadata?.name);
      expect(same?.spec).toEqual(old.spec);
      // Stored again (in v2): a write happened.
      expect(same?.metadata?.resourceVersion).not.toBe(old.metadata?.resourceVersion);
    }
    expect(now.items).toHaveLength(before.items.length);
  });
});
