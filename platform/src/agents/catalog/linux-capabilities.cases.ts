import type { V1Capabilities } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import {
  container,
  cronJob,
  daemonSet,
  deployment,
  job,
  pod,
  podSpec,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('linux-capabilities');
const withCapabilities = (capabilities: V1Capabilities) =>
  podSpec({ containers: [container('app', { securityContext: { capabilities } })] });

const sysAdmin = deployment(name('sys-admin'), withCapabilities({ add: ['SYS_ADMIN'] }));
const prefixed = daemonSet(name('cap-net-raw'), withCapabilities({ add: ['cap_net_raw'], drop: ['ALL'] }));
const sysTime = deployment(name('sys-time'), withCapabilities({ add: ['SYS_TIME'], drop: ['ALL'] }));
const chown = job(name('chown'), withCapabilities({ add: ['CHOWN'] }));
const dropNetRaw = pod(name('drop-net-raw'), withCapabilities({ drop: ['NET_RAW'] }));
const all = statefulSet(name('add-all'), withCapabilities({ add: ['ALL'], drop: ['ALL'] }), {
  spec: { serviceName: name('add-all') },
});
const initKeeps = cronJob(
  name('init-keeps'),
  podSpec({
    initContainers: [container('setup')],
    containers: [container('app', { securityContext: { capabilities: { drop: ['ALL'] } } })],
  }),
);

export const linuxCapabilitiesCases: readonly Case[] = [
  {
    name: 'SYS_ADMIN added, nothing dropped',
    objects: [sysAdmin],
    expect: [
      found('dangerous-added', sysAdmin),
      found('added-beyond-baseline', sysAdmin),
      found('drop-all-missing', sysAdmin),
    ],
  },
  {
    name: 'cap_net_raw: lower case with the CAP_ prefix is NET_RAW',
    objects: [prefixed],
    expect: [found('dangerous-added', prefixed), found('added-beyond-baseline', prefixed)],
  },
  {
    name: 'ALL added (and dropped)',
    objects: [all],
    expect: [found('dangerous-added', all), found('added-beyond-baseline', all)],
  },
  {
    name: 'SYS_TIME is beyond the baseline but not in the dangerous list',
    objects: [sysTime],
    expect: [found('added-beyond-baseline', sysTime)],
  },
  {
    name: 'CHOWN is in the baseline set; nothing dropped',
    objects: [chown],
    expect: [found('drop-all-missing', chown)],
  },
  {
    name: 'dropping NET_RAW alone is not dropping ALL',
    objects: [dropNetRaw],
    expect: [found('drop-all-missing', dropNetRaw)],
  },
  {
    name: 'an init container that keeps the defaults counts',
    objects: [initKeeps],
    expect: [found('drop-all-missing', initKeeps)],
  },
  {
    name: 'NET_BIND_SERVICE added, ALL dropped: clean',
    objects: [deployment(name('bind'), withCapabilities({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] }))],
    expect: [],
  },
  {
    name: 'drop: [all] in lower case counts as ALL',
    objects: [deployment(name('drop-lower'), withCapabilities({ drop: ['all'] }))],
    expect: [],
  },
  {
    name: 'CAP_CHOWN is CHOWN, in the baseline set',
    objects: [deployment(name('cap-chown'), withCapabilities({ add: ['CAP_CHOWN'], drop: ['ALL'] }))],
    expect: [],
  },
];
