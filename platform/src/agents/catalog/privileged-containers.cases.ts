import type { V1SecurityContext } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { container, cronJob, daemonSet, deployment, job, pod, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('privileged-containers');
const app = (securityContext: V1SecurityContext) =>
  podSpec({ containers: [container('app', { securityContext })] });
const noEscalation = { allowPrivilegeEscalation: false };

const privileged = deployment(name('privileged'), app({ privileged: true }));
const privilegedInit = cronJob(
  name('privileged-init'),
  podSpec({
    initContainers: [container('setup', { securityContext: { privileged: true } })],
    containers: [container('app', { securityContext: noEscalation })],
  }),
);
const escalationUnset = deployment(name('escalation-unset'));
const escalationTrue = job(name('escalation-true'), app({ allowPrivilegeEscalation: true }));
const podHostProcess = deployment(
  name('pod-host-process'),
  podSpec({
    hostNetwork: true,
    securityContext: { windowsOptions: { hostProcess: true } },
    containers: [container('app', { securityContext: noEscalation })],
  }),
);
const containerHostProcess = pod(
  name('container-host-process'),
  podSpec({
    hostNetwork: true,
    containers: [
      container('app', { securityContext: { ...noEscalation, windowsOptions: { hostProcess: true } } }),
    ],
  }),
);
const unmasked = deployment(
  name('unmasked-proc'),
  podSpec({
    hostUsers: false,
    containers: [container('app', { securityContext: { ...noEscalation, procMount: 'Unmasked' } })],
  }),
);

export const privilegedContainersCases: readonly Case[] = [
  {
    name: 'a privileged container (which cannot also forbid escalation)',
    objects: [privileged],
    expect: [found('privileged', privileged), found('allow-privilege-escalation', privileged)],
  },
  {
    name: 'privileged: false with escalation forbidden is clean',
    objects: [deployment(name('not-privileged'), app({ privileged: false, ...noEscalation }))],
    expect: [],
  },
  {
    name: 'a privileged init container counts, reported on the CronJob',
    objects: [privilegedInit],
    expect: [found('privileged', privilegedInit), found('allow-privilege-escalation', privilegedInit)],
  },
  {
    name: 'allowPrivilegeEscalation unset',
    objects: [escalationUnset],
    expect: [found('allow-privilege-escalation', escalationUnset)],
  },
  {
    name: 'allowPrivilegeEscalation: true',
    objects: [escalationTrue],
    expect: [found('allow-privilege-escalation', escalationTrue)],
  },
  {
    name: 'hostProcess at pod level',
    objects: [podHostProcess],
    expect: [found('host-process', podHostProcess)],
    note: 'HostProcess requires hostNetwork: true; the API accepts it without Windows nodes',
  },
  {
    name: 'hostProcess on a container of a bare Pod',
    objects: [containerHostProcess],
    expect: [found('host-process', containerHostProcess)],
    note: 'the Pod stays Pending without a Windows node; the check reads its spec',
  },
  {
    name: 'hostProcess: false is not a finding',
    objects: [
      deployment(
        name('host-process-false'),
        podSpec({
          securityContext: { windowsOptions: { hostProcess: false } },
          containers: [container('app', { securityContext: noEscalation })],
        }),
      ),
    ],
    expect: [],
  },
  {
    name: 'procMount: Unmasked',
    objects: [unmasked],
    expect: [found('unmasked-proc-mount', unmasked)],
    note: 'the API accepts Unmasked only with hostUsers: false (a user namespace)',
  },
  {
    name: 'procMount: Default is not a finding',
    objects: [deployment(name('proc-default'), app({ ...noEscalation, procMount: 'Default' }))],
    expect: [],
  },
  {
    name: 'a hardened DaemonSet is clean',
    objects: [
      daemonSet(
        name('clean'),
        podSpec({
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            container('app', {
              securityContext: {
                ...noEscalation,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            }),
          ],
        }),
      ),
    ],
    expect: [],
  },
];
