import type {
  V1Container,
  V1PodSecurityContext,
  V1PodSpec,
  V1SecurityContext,
} from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import {
  container,
  cronJob,
  daemonSet,
  deployment,
  job,
  pod,
  podSpec,
  replicaSet,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('pod-security-standards');

// What restricted asks of every pod; each row changes one thing.
const RESTRICTED_POD: V1PodSecurityContext = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};
const RESTRICTED_CONTAINER: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};
const hardened = (
  app: V1SecurityContext = {},
  pod: V1PodSecurityContext = {},
  fields: Partial<V1PodSpec> = {},
  appFields: Partial<V1Container> = {},
) =>
  podSpec({
    securityContext: { ...RESTRICTED_POD, ...pod },
    containers: [container('app', { ...appFields, securityContext: { ...RESTRICTED_CONTAINER, ...app } })],
    ...fields,
  });
const both = (object: Parameters<typeof found>[1]) => [
  found('baseline-violation', object),
  found('restricted-violation', object),
];

const defaults = deployment(name('defaults'));
const hostNetwork = daemonSet(name('host-network'), hardened({}, {}, { hostNetwork: true }));
const capChown = deployment(
  name('cap-chown'),
  hardened({ capabilities: { drop: ['ALL'], add: ['CAP_CHOWN'] } }),
);
const chown = deployment(name('chown'), hardened({ capabilities: { drop: ['ALL'], add: ['CHOWN'] } }));
const dropLower = deployment(name('drop-lower'), hardened({ capabilities: { drop: ['all'] } }));
const seccompPod = job(
  name('seccomp-pod'),
  hardened({ seccompProfile: { type: 'RuntimeDefault' } }, { seccompProfile: { type: 'Unconfined' } }),
);
const unsafeSysctl = deployment(
  name('unsafe-sysctl'),
  hardened({}, { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] }),
);
const containerRoot = statefulSet(name('container-false'), hardened({ runAsNonRoot: false }), {
  spec: { serviceName: name('container-false') },
});
const uidZero = deployment(name('uid-zero'), hardened({ runAsUser: 0 }));
const nfs = deployment(
  name('nfs'),
  hardened({}, {}, { volumes: [{ name: 'share', nfs: { server: 'nfs.example.com', path: '/exports' } }] }),
);
const hostPath = replicaSet(
  name('host-path'),
  hardened({}, {}, { volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] }),
);
const appArmor = deployment(name('apparmor'), hardened(), {
  podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
});
const seLinuxUser = deployment(name('selinux-user'), hardened({ seLinuxOptions: { user: 'system_u' } }));
const unmasked = deployment(name('unmasked'), hardened({ procMount: 'Unmasked' }, {}, { hostUsers: false }));
const bareHostPorts = pod(
  name('bare-host-ports'),
  hardened({}, {}, { hostNetwork: true }, { ports: [{ containerPort: 9100 }] }),
);
const privilegedInit = cronJob(
  name('privileged-init'),
  podSpec({
    securityContext: RESTRICTED_POD,
    // The API refuses allowPrivilegeEscalation: false beside privileged: true.
    initContainers: [
      container('setup', { securityContext: { capabilities: { drop: ['ALL'] }, privileged: true } }),
    ],
    containers: [container('app', { securityContext: RESTRICTED_CONTAINER })],
  }),
);

export const podSecurityStandardsCases: readonly Case[] = [
  {
    name: 'a pod spec with nothing set passes baseline, not restricted',
    objects: [defaults],
    expect: [found('restricted-violation', defaults)],
  },
  { name: 'a restricted pod spec', objects: [deployment(name('restricted'), hardened())], expect: [] },
  { name: 'hostNetwork', objects: [hostNetwork], expect: both(hostNetwork) },
  {
    name: 'a bare hostNetwork Pod declaring ports binds host ports too',
    objects: [bareHostPorts],
    expect: both(bareHostPorts),
    note: 'the API defaults hostPort to containerPort for Pods with hostNetwork: true',
  },
  {
    name: 'a privileged init container',
    objects: [privilegedInit],
    expect: both(privilegedInit),
    note: 'the API refuses a privileged container that also sets allowPrivilegeEscalation: false',
  },
  {
    name: 'CAP_CHOWN is not CHOWN to Pod Security (exact names)',
    objects: [capChown],
    expect: both(capChown),
  },
  {
    name: 'CHOWN is in the baseline set, but restricted adds only NET_BIND_SERVICE',
    objects: [chown],
    expect: [found('restricted-violation', chown)],
  },
  {
    name: 'NET_BIND_SERVICE added, ALL dropped',
    objects: [
      deployment(
        name('bind-service'),
        hardened({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }),
      ),
    ],
    expect: [],
  },
  {
    name: 'drop: [all] in lower case is not ALL to Pod Security',
    objects: [dropLower],
    expect: [found('restricted-violation', dropLower)],
  },
  {
    name: 'a pod-level Unconfined seccomp fails baseline even when the container overrides it',
    objects: [seccompPod],
    expect: both(seccompPod),
  },
  {
    name: 'a safe sysctl',
    objects: [
      deployment(
        name('safe-sysctl'),
        hardened({}, { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }] }),
      ),
    ],
    expect: [],
  },
  {
    name: 'an unsafe sysctl',
    objects: [unsafeSysctl],
    expect: both(unsafeSysctl),
    note: 'the kubelet refuses unsafe sysctls it is not told to allow; the API stores the spec',
  },
  {
    name: 'runAsNonRoot: true on every container instead of the pod',
    objects: [
      deployment(
        name('container-non-root'),
        podSpec({
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            container('app', { securityContext: { ...RESTRICTED_CONTAINER, runAsNonRoot: true } }),
          ],
        }),
      ),
    ],
    expect: [],
  },
  {
    name: 'a container runAsNonRoot: false under a pod-level true',
    objects: [containerRoot],
    expect: [found('restricted-violation', containerRoot)],
  },
  { name: 'a container runAsUser: 0', objects: [uidZero], expect: [found('restricted-violation', uidZero)] },
  {
    name: 'an NFS volume: allowed by baseline, not by restricted',
    objects: [nfs],
    expect: [found('restricted-violation', nfs)],
    note: 'the volume is never mounted on the kwok node; the API stores the spec',
  },
  {
    name: 'configMap, secret, projected and emptyDir volumes are restricted-safe',
    objects: [
      deployment(
        name('safe-volumes'),
        hardened(
          {},
          {},
          {
            volumes: [
              { name: 'config', configMap: { name: name('config'), optional: true } },
              { name: 'creds', secret: { secretName: name('creds'), optional: true } },
              { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        ),
      ),
    ],
    expect: [],
  },
  { name: 'a hostPath volume', objects: [hostPath], expect: both(hostPath) },
  {
    name: 'the AppArmor annotation unconfined',
    objects: [appArmor],
    expect: both(appArmor),
    note: 'the API warns that the annotation is deprecated, and keeps it',
  },
  { name: 'an SELinux user', objects: [seLinuxUser], expect: both(seLinuxUser) },
  {
    name: 'procMount: Unmasked',
    objects: [unmasked],
    expect: both(unmasked),
    note: 'the API accepts Unmasked only with hostUsers: false (a user namespace)',
  },
];
