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
  securedSpec,
} from '../testing/manifests.ts';

const { found, name } = tableOf('run-as-non-root');
const highIds = { runAsUser: 10001, runAsGroup: 10001 };

const unset = deployment(name('unset'));
const podNonRoot = deployment(name('pod-non-root'), securedSpec({ runAsNonRoot: true }));
const containerNonRoot = job(name('container-non-root'), securedSpec(undefined, { runAsNonRoot: true }));
const overridden = deployment(
  name('container-false'),
  securedSpec({ runAsNonRoot: true }, { runAsNonRoot: false }),
);
const uidZero = pod(name('uid-zero'), securedSpec(undefined, { runAsUser: 0 }));
const uidZeroOverride = daemonSet(name('uid-zero-override'), securedSpec(highIds, { runAsUser: 0 }));
const lowUid = replicaSet(name('low-uid'), securedSpec({ runAsUser: 1000, runAsGroup: 1000 }));
const noGroup = deployment(name('no-group'), securedSpec({ runAsUser: 10001 }));
const rootInit = cronJob(
  name('root-init'),
  podSpec({
    securityContext: highIds,
    initContainers: [container('setup', { securityContext: { runAsUser: 0 } })],
  }),
);

export const runAsNonRootCases: readonly Case[] = [
  {
    name: 'nothing set: may run as root, with low ids',
    objects: [unset],
    expect: [found('root-allowed', unset), found('low-uid-gid', unset)],
  },
  {
    name: 'runAsNonRoot: true at pod level satisfies every container',
    objects: [podNonRoot],
    expect: [found('low-uid-gid', podNonRoot)],
  },
  {
    name: 'runAsNonRoot: true at container level, nothing at pod level',
    objects: [containerNonRoot],
    expect: [found('low-uid-gid', containerNonRoot)],
  },
  {
    name: 'a container runAsNonRoot: false overrides the pod-level true',
    objects: [overridden],
    expect: [found('root-allowed', overridden), found('low-uid-gid', overridden)],
  },
  {
    name: 'runAsUser: 0 on a bare Pod',
    objects: [uidZero],
    expect: [found('root-allowed', uidZero), found('uid-zero', uidZero), found('low-uid-gid', uidZero)],
  },
  {
    name: 'a container runAsUser: 0 overrides high pod-level ids',
    objects: [uidZeroOverride],
    expect: [
      found('root-allowed', uidZeroOverride),
      found('uid-zero', uidZeroOverride),
      found('low-uid-gid', uidZeroOverride),
    ],
  },
  {
    name: 'an init container as user 0 counts',
    objects: [rootInit],
    expect: [found('root-allowed', rootInit), found('uid-zero', rootInit), found('low-uid-gid', rootInit)],
  },
  {
    name: 'user 1000 is not root, but below 10000',
    objects: [lowUid],
    expect: [found('low-uid-gid', lowUid)],
  },
  {
    name: 'a high user id without a group id',
    objects: [noGroup],
    expect: [found('low-uid-gid', noGroup)],
  },
  {
    name: 'high user and group ids at pod level are clean',
    objects: [deployment(name('high-ids'), securedSpec(highIds))],
    expect: [],
  },
];
