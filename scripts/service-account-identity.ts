import { readFileSync, writeFileSync } from 'node:fs';
import { pollUntil } from '@guardian/kube/poll';
import * as k8s from '@kubernetes/client-node';
import { operatorRbac, PLATFORM_SERVICE_ACCOUNT, platformRbac } from './rbac-manifests.ts';

/**
 * Installs a component's RBAC from its one manifest into `namespace`, and writes a kubeconfig
 * (`file`) that authenticates as its ServiceAccount with a bound token: `make dev`, the tests and
 * the benchmarks run the operator and the platform with exactly the permissions the chart gives
 * them, never as an admin.
 */
async function serviceAccountIdentity(
  admin: k8s.KubeConfig,
  rbac: { objects: object[]; serviceAccount: string },
  namespace: string,
  file: string,
  hours: number,
): Promise<string> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const objects = k8s.KubernetesObjectApi.makeApiClient(admin);
  await core
    .createNamespace({ body: { metadata: { name: namespace } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  for (const object of rbac.objects) {
    await objects.patch(
      object as k8s.KubernetesObject,
      undefined,
      undefined,
      'guardian-dev',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  }
  // The ServiceAccount's token controller may lag its creation by a moment.
  const issue = async () => {
    const request = await core.createNamespacedServiceAccountToken({
      name: rbac.serviceAccount,
      namespace,
      body: { spec: { expirationSeconds: hours * 3600, audiences: [] } },
    });
    return request.status?.token;
  };
  const token = await pollUntil(`a token of ServiceAccount ${namespace}/${rbac.serviceAccount}`, issue, {
    timeoutMs: 10_000,
    intervalMs: 200,
    retryErrors: true,
  });
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : '');
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'guardian', cluster: { server: cluster.server, 'certificate-authority-data': ca } }],
    users: [{ name: rbac.serviceAccount, user: { token } }],
    contexts: [{ name: 'guardian', context: { cluster: 'guardian', user: rbac.serviceAccount, namespace } }],
    'current-context': 'guardian',
  };
  writeFileSync(file, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  return file;
}

export function operatorIdentity(admin: k8s.KubeConfig, namespace: string, file: string, hours = 24) {
  return serviceAccountIdentity(
    admin,
    { objects: operatorRbac(namespace), serviceAccount: 'guardian-operator' },
    namespace,
    file,
    hours,
  );
}

export function platformIdentity(admin: k8s.KubeConfig, namespace: string, file: string, hours = 24) {
  return serviceAccountIdentity(
    admin,
    { objects: platformRbac(namespace), serviceAccount: PLATFORM_SERVICE_ACCOUNT },
    namespace,
    file,
    hours,
  );
}
