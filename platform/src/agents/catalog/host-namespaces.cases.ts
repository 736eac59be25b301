import { type Case, tableOf } from '../testing/case.ts';
import {
  container,
  daemonSet,
  deployment,
  job,
  pod,
  podSpec,
  replicaSet,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('host-namespaces');
const withPorts = (
  fields: Parameters<typeof podSpec>[0],
  ports: { containerPort: number; hostPort?: number }[],
) => podSpec({ ...fields, containers: [container('app', { ports })] });

const hostNetwork = daemonSet(name('network'), podSpec({ hostNetwork: true }));
const hostPid = deployment(name('pid'), podSpec({ hostPID: true }));
const hostIpc = job(name('ipc'), podSpec({ hostIPC: true }));
const hostPort = deployment(name('port'), withPorts({}, [{ containerPort: 8080, hostPort: 18080 }]));
const barePodPorts = pod(name('bare-pod-ports'), withPorts({ hostNetwork: true }, [{ containerPort: 9100 }]));
const templatePorts = replicaSet(
  name('template-ports'),
  withPorts({ hostNetwork: true }, [{ containerPort: 9100 }]),
);

export const hostNamespacesCases: readonly Case[] = [
  { name: 'hostNetwork: true', objects: [hostNetwork], expect: [found('host-network', hostNetwork)] },
  {
    name: 'hostNetwork: false',
    objects: [daemonSet(name('network-false'), podSpec({ hostNetwork: false }))],
    expect: [],
  },
  { name: 'hostPID: true', objects: [hostPid], expect: [found('host-pid', hostPid)] },
  {
    name: 'hostPID: false',
    objects: [deployment(name('pid-false'), podSpec({ hostPID: false }))],
    expect: [],
  },
  { name: 'hostIPC: true', objects: [hostIpc], expect: [found('host-ipc', hostIpc)] },
  { name: 'hostIPC: false', objects: [job(name('ipc-false'), podSpec({ hostIPC: false }))], expect: [] },
  { name: 'a hostPort', objects: [hostPort], expect: [found('host-port', hostPort)] },
  {
    name: 'container ports without hostPort',
    objects: [
      statefulSet(name('port-none'), withPorts({}, [{ containerPort: 8080 }]), {
        spec: { serviceName: name('port-none') },
      }),
    ],
    expect: [],
  },
  {
    name: 'a bare hostNetwork Pod that declares ports binds them on the node',
    objects: [barePodPorts],
    expect: [found('host-network', barePodPorts), found('host-port', barePodPorts)],
    note: 'the API defaults hostPort to containerPort for Pods with hostNetwork: true',
  },
  {
    name: 'the same ports in a hostNetwork template are not host ports',
    objects: [templatePorts],
    expect: [found('host-network', templatePorts)],
    note: 'since Kubernetes 1.28 the API no longer defaults hostPort in pod templates',
  },
  { name: 'a plain Deployment is clean', objects: [deployment(name('clean'))], expect: [] },
];
