import type { V1ContainerState, V1ContainerStatus, V1PodStatus } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { container, IMAGE, NO_NODE, pod, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('pod-runtime');
/** Placed on no Node: kwok writes the status of Pods on its Node, and would overwrite the row's. */
const nowhere = (fields: Parameters<typeof podSpec>[0] = {}) => podSpec({ nodeSelector: NO_NODE, ...fields });
const NOTE =
  'placed on no Node, so no kubelet (or kwok) writes its status: the integration test writes this one';

const containerStatus = (
  containerName: string,
  state: V1ContainerState,
  fields: Partial<V1ContainerStatus> = {},
): V1ContainerStatus => ({
  name: containerName,
  image: IMAGE,
  imageID: '',
  ready: false,
  restartCount: 0,
  started: false,
  state,
  ...fields,
});
const status = (containerStatuses: V1ContainerStatus[], fields: Partial<V1PodStatus> = {}): V1PodStatus => ({
  phase: 'Running',
  containerStatuses,
  ...fields,
});
const waiting = (reason: string): V1ContainerState => ({ waiting: { reason, message: reason } });
const exited = (reason: string, exitCode = 1) => ({ terminated: { reason, exitCode } });
const running: V1ContainerState = { running: {} };

const crashing = pod(
  name('crashing'),
  nowhere(),
  status([
    containerStatus('app', waiting('CrashLoopBackOff'), { restartCount: 3, lastState: exited('Error') }),
  ]),
);
const oom = pod(
  name('oom'),
  nowhere(),
  status([
    containerStatus('app', waiting('CrashLoopBackOff'), {
      restartCount: 7,
      lastState: exited('OOMKilled', 137),
    }),
  ]),
);
const pullBackOff = pod(
  name('pull-backoff'),
  nowhere(),
  status([containerStatus('app', waiting('ImagePullBackOff'))], { phase: 'Pending' }),
);
const invalidInit = pod(
  name('invalid-init'),
  nowhere({ initContainers: [container('setup')] }),
  status([containerStatus('app', waiting('PodInitializing'))], {
    phase: 'Pending',
    initContainerStatuses: [containerStatus('setup', waiting('InvalidImageName'))],
  }),
);
const configError = pod(
  name('config-error'),
  nowhere(),
  status([containerStatus('app', waiting('CreateContainerConfigError'))], { phase: 'Pending' }),
);
const oomNow = pod(
  name('oom-now'),
  nowhere({ restartPolicy: 'Never' }),
  status([containerStatus('app', exited('OOMKilled', 137))], { phase: 'Failed' }),
);
const restarted = pod(
  name('restarted'),
  nowhere(),
  status([
    containerStatus('app', running, {
      ready: true,
      started: true,
      restartCount: 5,
      lastState: exited('Error'),
    }),
  ]),
);
const evicted = pod(
  name('evicted'),
  nowhere(),
  status([containerStatus('app', exited('ContainerStatusUnknown', 137))], {
    phase: 'Failed',
    reason: 'Evicted',
    message: 'The node was low on resource: memory.',
  }),
);

export const podRuntimeCases: readonly Case[] = [
  {
    name: 'a container in CrashLoopBackOff',
    objects: [crashing],
    expect: [found('crash-looping', crashing)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'crash-looping after an OOM kill, 7 restarts',
    objects: [oom],
    expect: [found('crash-looping', oom), found('oom-killed', oom), found('frequent-restarts', oom)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'an image that cannot be pulled',
    objects: [pullBackOff],
    expect: [found('image-pull-failing', pullBackOff)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'an init container with an invalid image name',
    objects: [invalidInit],
    expect: [found('image-pull-failing', invalidInit)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a container the kubelet cannot create',
    objects: [configError],
    expect: [found('container-config-error', configError)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a container terminated by the OOM killer, not restarted',
    objects: [oomNow],
    expect: [found('oom-killed', oomNow)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a running container restarted 5 times',
    objects: [restarted],
    expect: [found('frequent-restarts', restarted)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a running container restarted 4 times',
    objects: [
      pod(
        name('restarted-less'),
        nowhere(),
        status([
          containerStatus('app', running, {
            ready: true,
            started: true,
            restartCount: 4,
            lastState: exited('Error'),
          }),
        ]),
      ),
    ],
    expect: [],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'an evicted Pod',
    objects: [evicted],
    expect: [found('evicted', evicted)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'containers starting and completed are healthy',
    objects: [
      pod(
        name('starting'),
        nowhere(),
        status([containerStatus('app', waiting('ContainerCreating'))], { phase: 'Pending' }),
      ),
      pod(
        name('completed'),
        nowhere({ restartPolicy: 'Never' }),
        status([containerStatus('app', exited('Completed', 0))], { phase: 'Succeeded' }),
      ),
    ],
    expect: [],
    runtime: true,
    note: NOTE,
  },
];
