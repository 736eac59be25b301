import { type Case, tableOf } from '../testing/case.ts';
import {
  container,
  cronJob,
  daemonSet,
  deployment,
  job,
  pod,
  podSpec,
  securedSpec,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('syscall-confinement');
const runtimeDefault = { seccompProfile: { type: 'RuntimeDefault' } };
const unconfined = { type: 'Unconfined' };

const unset = deployment(name('unset'));
const containerUnconfined = deployment(
  name('container-unconfined'),
  securedSpec(runtimeDefault, { seccompProfile: unconfined }),
);
const podUnconfined = job(name('pod-unconfined'), securedSpec({ seccompProfile: unconfined }));
const initMissing = cronJob(
  name('init-missing'),
  podSpec({
    initContainers: [container('setup')],
    containers: [container('app', { securityContext: runtimeDefault })],
  }),
);
const appArmorField = daemonSet(
  name('apparmor-field'),
  securedSpec({ ...runtimeDefault, appArmorProfile: unconfined }),
);
const appArmorAnnotated = deployment(name('apparmor-annotation'), securedSpec(runtimeDefault), {
  podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
});
const spcType = statefulSet(
  name('selinux-spc'),
  securedSpec({ ...runtimeDefault, seLinuxOptions: { type: 'spc_t' } }),
  { spec: { serviceName: name('selinux-spc') } },
);
const seLinuxUser = pod(
  name('selinux-user'),
  securedSpec(runtimeDefault, { seLinuxOptions: { user: 'system_u' } }),
);

export const syscallConfinementCases: readonly Case[] = [
  { name: 'no seccomp profile', objects: [unset], expect: [found('seccomp-missing', unset)] },
  {
    name: 'RuntimeDefault at pod level covers every container',
    objects: [deployment(name('runtime-default'), securedSpec(runtimeDefault))],
    expect: [],
  },
  {
    name: 'an init container without a profile counts',
    objects: [initMissing],
    expect: [found('seccomp-missing', initMissing)],
  },
  {
    name: 'a container Unconfined overrides the pod-level RuntimeDefault',
    objects: [containerUnconfined],
    expect: [found('seccomp-unconfined', containerUnconfined)],
  },
  {
    name: 'Unconfined at pod level is disabled seccomp, not a missing profile',
    objects: [podUnconfined],
    expect: [found('seccomp-unconfined', podUnconfined)],
  },
  {
    name: 'a pod-level Unconfined that every container overrides with RuntimeDefault',
    objects: [
      deployment(
        name('pod-unconfined-overridden'),
        securedSpec({ seccompProfile: unconfined }, runtimeDefault),
      ),
    ],
    expect: [],
    note: 'effective values only; pod-security-standards still reports the pod-level field',
  },
  {
    name: 'a Localhost profile is confinement',
    objects: [
      deployment(
        name('localhost'),
        securedSpec({ seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/app.json' } }),
      ),
    ],
    expect: [],
  },
  {
    name: 'appArmorProfile Unconfined at pod level',
    objects: [appArmorField],
    expect: [found('apparmor-unconfined', appArmorField)],
  },
  {
    name: 'the deprecated AppArmor annotation set to unconfined',
    objects: [appArmorAnnotated],
    expect: [found('apparmor-unconfined', appArmorAnnotated)],
    note: 'the API warns that the annotation is deprecated, and keeps it',
  },
  {
    name: 'AppArmor RuntimeDefault on the container',
    objects: [
      deployment(
        name('apparmor-default'),
        securedSpec(runtimeDefault, { appArmorProfile: { type: 'RuntimeDefault' } }),
      ),
    ],
    expect: [],
  },
  {
    name: 'the AppArmor annotation set to runtime/default',
    objects: [
      deployment(name('apparmor-annotation-default'), securedSpec(runtimeDefault), {
        podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' },
      }),
    ],
    expect: [],
  },
  {
    name: 'SELinux type spc_t (unconfined container)',
    objects: [spcType],
    expect: [found('selinux-custom', spcType)],
  },
  {
    name: 'an SELinux user on the container',
    objects: [seLinuxUser],
    expect: [found('selinux-custom', seLinuxUser)],
  },
  {
    name: 'SELinux type container_t with a level is allowed',
    objects: [
      deployment(
        name('selinux-container-t'),
        securedSpec({ ...runtimeDefault, seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } }),
      ),
    ],
    expect: [],
  },
];
