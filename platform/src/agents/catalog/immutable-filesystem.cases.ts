import { type Case, tableOf } from '../testing/case.ts';
import { container, cronJob, deployment, pod, podSpec, statefulSet } from '../testing/manifests.ts';

const { found, name } = tableOf('immutable-filesystem');
const readOnly = (value: boolean) => container('app', { securityContext: { readOnlyRootFilesystem: value } });

const unset = deployment(name('unset'));
const explicitFalse = pod(name('false'), podSpec({ containers: [readOnly(false)] }));
const writableInit = cronJob(
  name('writable-init'),
  podSpec({ initContainers: [container('setup')], containers: [readOnly(true)] }),
);

export const immutableFilesystemCases: readonly Case[] = [
  {
    name: 'readOnlyRootFilesystem unset',
    objects: [unset],
    expect: [found('writable-root-filesystem', unset)],
  },
  {
    name: 'readOnlyRootFilesystem: false',
    objects: [explicitFalse],
    expect: [found('writable-root-filesystem', explicitFalse)],
  },
  {
    name: 'an init container with a writable root filesystem counts',
    objects: [writableInit],
    expect: [found('writable-root-filesystem', writableInit)],
  },
  {
    name: 'readOnlyRootFilesystem: true on every container, with an emptyDir to write to',
    objects: [
      statefulSet(
        name('read-only'),
        podSpec({
          volumes: [{ name: 'tmp', emptyDir: {} }],
          initContainers: [container('setup', { securityContext: { readOnlyRootFilesystem: true } })],
          containers: [
            container('app', {
              securityContext: { readOnlyRootFilesystem: true },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }),
          ],
        }),
        { spec: { serviceName: name('read-only') } },
      ),
    ],
    expect: [],
  },
];
