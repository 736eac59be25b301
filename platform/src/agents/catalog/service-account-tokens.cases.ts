import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';
import { cronJob, deployment, job, pod, podSpec, statefulSet } from '../testing/manifests.ts';

const { found, name } = tableOf('service-account-tokens');
const serviceAccount = (row: string, automountServiceAccountToken?: boolean): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: name(row) },
  automountServiceAccountToken,
});

const defaults = deployment(name('defaults'));
const podTrue = deployment(
  name('pod-true'),
  podSpec({ serviceAccountName: name('sa-pod-true'), automountServiceAccountToken: true }),
);
const accountUnset = job(name('account-unset'), podSpec({ serviceAccountName: name('sa-unset') }));
const defaultNoToken = pod(name('default-no-token'), podSpec({ automountServiceAccountToken: false }));
const missing = deployment(
  name('missing'),
  podSpec({ serviceAccountName: name('no-such-account'), automountServiceAccountToken: false }),
);
const missingMounts = statefulSet(
  name('missing-mounts'),
  podSpec({ serviceAccountName: name('no-account') }),
  {
    spec: { serviceName: name('missing-mounts') },
  },
);

export const serviceAccountTokensCases: readonly Case[] = [
  {
    name: 'the ServiceAccount default, token mounted by default',
    objects: [defaults],
    expect: [found('automount-enabled', defaults), found('default-service-account', defaults)],
  },
  {
    name: 'the ServiceAccount default with the pod field false: no token, still default',
    objects: [defaultNoToken],
    expect: [found('default-service-account', defaultNoToken)],
  },
  {
    name: 'a ServiceAccount of its own that does not mount tokens',
    objects: [
      serviceAccount('sa-off', false),
      cronJob(name('own-account'), podSpec({ serviceAccountName: name('sa-off') })),
    ],
    expect: [],
  },
  {
    name: 'the pod field true wins over the ServiceAccount false',
    objects: [serviceAccount('sa-pod-true', false), podTrue],
    expect: [found('automount-enabled', podTrue)],
  },
  {
    name: 'a ServiceAccount that leaves automount unset',
    objects: [serviceAccount('sa-unset'), accountUnset],
    expect: [found('automount-enabled', accountUnset)],
  },
  {
    name: 'the deprecated serviceAccount field names the ServiceAccount too',
    objects: [
      serviceAccount('sa-deprecated', false),
      deployment(name('deprecated-field'), podSpec({ serviceAccount: name('sa-deprecated') })),
    ],
    expect: [],
    note: 'the API also fills serviceAccountName from serviceAccount',
  },
  {
    name: 'a ServiceAccount that does not exist, token off',
    objects: [missing],
    expect: [found('missing-service-account', missing)],
    note: 'the API rejects its Pods: the ReplicaSet reports FailedCreate',
  },
  {
    name: 'a ServiceAccount that does not exist cannot say false: the token counts as mounted',
    objects: [missingMounts],
    expect: [found('automount-enabled', missingMounts), found('missing-service-account', missingMounts)],
    note: 'the API rejects its Pods: the StatefulSet reports FailedCreate',
  },
];
