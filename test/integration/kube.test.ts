import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  eventually,
  isNotFound,
  k8s,
  kubeConfig,
  kubectl,
  uniqueName,
} from '../support/kube.ts';

const config = kubeConfig();
const core = config.makeApiClient(k8s.CoreV1Api);
const apps = config.makeApiClient(k8s.AppsV1Api);
const rbac = config.makeApiClient(k8s.RbacAuthorizationV1Api);
const extensions = config.makeApiClient(k8s.ApiextensionsV1Api);
const objects = k8s.KubernetesObjectApi.makeApiClient(config);

describe('local control plane', () => {
  const namespace = uniqueName('it-kube');
  beforeAll(() => core.createNamespace({ body: { metadata: { name: namespace } } }));
  afterAll(() => core.deleteNamespace({ name: namespace }).catch(() => undefined));

  it('lists namespaces', async () => {
    const names = (await core.listNamespace()).items.map((ns) => ns.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', namespace]));
  });

  it('deletes a namespace with an object inside, and the namespace really disappears', async () => {
    const doomed = uniqueName('it-doomed');
    await core.createNamespace({ body: { metadata: { name: doomed } } });
    await core.createNamespacedConfigMap({
      namespace: doomed,
      body: { metadata: { name: 'inside' }, data: { note: 'deleted with its namespace' } },
    });
    await core.deleteNamespace({ name: doomed });
    await eventually(
      `namespace ${doomed} to be gone`,
      () => core.readNamespace({ name: doomed }).then(() => false, isNotFound),
      90_000,
    );
  });

  it('applies a CustomResourceDefinition and a custom resource of it', async () => {
    const group = `${uniqueName('it')}.example.com`;
    await extensions.createCustomResourceDefinition({
      body: {
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } },
                  },
                },
              },
            },
          ],
        },
      },
    });
    try {
      await eventually('the CRD to be established', async () => {
        const crd = await extensions.readCustomResourceDefinition({ name: `widgets.${group}` });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      });
      const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace } };
      await eventually('the custom resource to be accepted', () =>
        objects.patch(
          { ...widget, spec: { size: 3 } },
          undefined,
          undefined,
          'it',
          true,
          k8s.PatchStrategy.ServerSideApply,
        ),
      );
      const stored = (await objects.read(widget)) as { spec?: { size?: number } };
      expect(stored.spec?.size).toBe(3);
      await expect(
        objects.patch(
          { ...widget, spec: { size: 0 } },
          undefined,
          undefined,
          'it',
          true,
          k8s.PatchStrategy.ServerSideApply,
        ),
      ).rejects.toMatchObject({ code: 422 });
    } finally {
      await extensions.deleteCustomResourceDefinition({ name: `widgets.${group}` });
    }
  });

  it('gives a Deployment a Ready pod through kwok', async () => {
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
          },
        },
      },
    });
    const ready = await eventually('the Deployment to have a ready replica', async () => {
      const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace });
      return deployment.status?.readyReplicas === 1 ? deployment : undefined;
    });
    expect(ready.status?.availableReplicas).toBe(1);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    expect(pods.items.map((p) => [p.spec?.nodeName, p.status?.phase])).toEqual([['kwok-node-0', 'Running']]);
  });

  it('impersonates a ServiceAccount: allowed what its RBAC grants, denied the rest', async () => {
    const account = `system:serviceaccount:${namespace}:probe`;
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'probe' } } });
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'probe-reads-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'probe', namespace }],
      },
    });
    await eventually('the binding to take effect', () =>
      kubectl('get', 'pods', '-n', namespace, `--as=${account}`),
    );
    await expect(kubectl('get', 'secrets', '-n', namespace, `--as=${account}`)).rejects.toThrow(/Forbidden/);
    await expect(kubectl('get', 'pods', '-n', 'default', `--as=${account}`)).rejects.toThrow(/Forbidden/);
  });

  it('records the writes just made in the audit log', async () => {
    const marker = uniqueName('audited');
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: marker } } });
    await core.deleteNamespacedConfigMap({ namespace, name: marker });
    const verbs = await eventually('the audit log to show both writes', async () => {
      const found = auditEvents()
        .filter((e) => e.objectRef?.resource === 'configmaps' && e.objectRef.name === marker)
        .map((e) => e.verb);
      return found.length === 2 ? found : undefined;
    });
    expect(verbs).toEqual(['create', 'delete']);
    const reads = auditEvents().filter((e) => ['get', 'list', 'watch'].includes(e.verb));
    expect(reads).toEqual([]);
  });
});
