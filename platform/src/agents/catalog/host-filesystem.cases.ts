import type { V1Container, V1Volume } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { container, cronJob, daemonSet, deployment, pod, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('host-filesystem');
const hostPath = (volume: string, path: string): V1Volume => ({ name: volume, hostPath: { path } });
/** One hostPath volume `host`, mounted by `app` as `mount` says (or not at all). */
const withHostPath = (path: string, mount?: { readOnly?: boolean }, fields: Partial<V1Container> = {}) =>
  podSpec({
    volumes: [hostPath('host', path)],
    containers: [
      container('app', {
        ...fields,
        volumeMounts: mount ? [{ name: 'host', mountPath: '/host', ...mount }] : undefined,
      }),
    ],
  });

const unmounted = deployment(name('unmounted'), withHostPath('/var/lib/app'));
const readOnly = daemonSet(name('read-only'), withHostPath('/var/log', { readOnly: true }));
const writable = deployment(name('writable'), withHostPath('/var/lib/app', {}));
const readOnlyFalse = deployment(name('read-only-false'), withHostPath('/data', { readOnly: false }));
const dockerSocket = pod(name('docker-sock'), withHostPath('/var/run/docker.sock', {}));
const runtimeDirectory = daemonSet(
  name('containerd-dir'),
  withHostPath('/run/containerd/', { readOnly: true }),
);
const runDirectory = daemonSet(name('run-dir'), withHostPath('/run', { readOnly: true }));
const belowRun = daemonSet(name('below-run'), withHostPath('/var/run/secrets', { readOnly: true }));
const initWritable = cronJob(
  name('init-writable'),
  podSpec({
    volumes: [hostPath('host', '/var/cache/app')],
    initContainers: [container('setup', { volumeMounts: [{ name: 'host', mountPath: '/cache' }] })],
    containers: [container('app', { volumeMounts: [{ name: 'host', mountPath: '/cache', readOnly: true }] })],
  }),
);

export const hostFilesystemCases: readonly Case[] = [
  {
    name: 'an unmounted hostPath volume',
    objects: [unmounted],
    expect: [found('host-path-volume', unmounted)],
  },
  {
    name: 'a hostPath mounted read-only',
    objects: [readOnly],
    expect: [found('host-path-volume', readOnly)],
  },
  {
    name: 'a hostPath mounted without readOnly',
    objects: [writable],
    expect: [found('host-path-volume', writable), found('host-path-writable', writable)],
  },
  {
    name: 'a hostPath mounted with readOnly: false',
    objects: [readOnlyFalse],
    expect: [found('host-path-volume', readOnlyFalse), found('host-path-writable', readOnlyFalse)],
  },
  {
    name: 'an init container writing to a hostPath its app container reads',
    objects: [initWritable],
    expect: [found('host-path-volume', initWritable), found('host-path-writable', initWritable)],
  },
  {
    name: 'the Docker socket, mounted writable by a bare Pod',
    objects: [dockerSocket],
    expect: [
      found('host-path-volume', dockerSocket),
      found('host-path-writable', dockerSocket),
      found('container-runtime-socket', dockerSocket),
    ],
  },
  {
    name: "containerd's directory with a trailing slash, read-only",
    objects: [runtimeDirectory],
    expect: [
      found('host-path-volume', runtimeDirectory),
      found('container-runtime-socket', runtimeDirectory),
    ],
  },
  {
    name: 'all of /run, read-only',
    objects: [runDirectory],
    expect: [found('host-path-volume', runDirectory), found('container-runtime-socket', runDirectory)],
  },
  {
    name: 'a directory below /var/run holds no runtime socket of the list',
    objects: [belowRun],
    expect: [found('host-path-volume', belowRun)],
  },
  {
    name: 'an emptyDir mounted writable is clean',
    objects: [
      deployment(
        name('empty-dir'),
        podSpec({
          volumes: [{ name: 'scratch', emptyDir: {} }],
          containers: [container('app', { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] })],
        }),
      ),
    ],
    expect: [],
  },
];
