import type { V1Probe } from '@kubernetes/client-node';
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

const { found, name } = tableOf('probes');
const http = (path: string | undefined, port: number | string): V1Probe => ({ httpGet: { path, port } });
/** One container `app` serving on 8080 (named `http`) with these probes. */
const probed = (readinessProbe?: V1Probe, livenessProbe?: V1Probe) =>
  podSpec({
    containers: [
      container('app', { ports: [{ name: 'http', containerPort: 8080 }], readinessProbe, livenessProbe }),
    ],
  });
const healthy = probed(http('/ready', 'http'), http('/healthz', 'http'));

const none = deployment(name('none'));
const bareAlways = pod(name('bare-always'));
const sameHttp = deployment(name('same-http'), probed(http('/', 'http'), http(undefined, 8080)));
const sameExec = statefulSet(
  name('same-exec'),
  probed({ exec: { command: ['pg_isready'] } }, { exec: { command: ['pg_isready'] } }),
  { spec: { serviceName: name('same-exec') } },
);
const noReadiness = daemonSet(name('no-readiness'), probed(undefined, http('/healthz', 'http')));

export const probesCases: readonly Case[] = [
  {
    name: 'a Deployment without probes',
    objects: [none],
    expect: [found('readiness-missing', none), found('liveness-missing', none)],
  },
  {
    name: 'distinct readiness and liveness probes',
    objects: [deployment(name('distinct'), healthy)],
    expect: [],
  },
  {
    name: 'a liveness probe only',
    objects: [noReadiness],
    expect: [found('readiness-missing', noReadiness)],
  },
  {
    name: 'the same httpGet: default path /, port by name and by number',
    objects: [sameHttp],
    expect: [found('identical-probes', sameHttp)],
    note: 'the API defaults httpGet.path to /',
  },
  {
    name: 'the same exec command',
    objects: [sameExec],
    expect: [found('identical-probes', sameExec)],
  },
  {
    name: 'tcpSocket and httpGet on the same port are different checks',
    objects: [deployment(name('tcp-and-http'), probed({ tcpSocket: { port: 8080 } }, http('/', 8080)))],
    expect: [],
  },
  {
    name: 'grpc on the same port for different services',
    objects: [
      deployment(
        name('grpc-services'),
        probed({ grpc: { port: 9000, service: 'ready' } }, { grpc: { port: 9000, service: 'live' } }),
      ),
    ],
    expect: [],
  },
  {
    name: 'a native sidecar without probes is exempt',
    objects: [
      deployment(
        name('sidecar'),
        podSpec({
          initContainers: [container('proxy', { restartPolicy: 'Always' }), container('setup')],
          containers: healthy.containers,
        }),
      ),
    ],
    expect: [],
  },
  {
    name: 'batch workloads are exempt',
    objects: [job(name('job'), podSpec()), cronJob(name('cronjob'), podSpec())],
    expect: [],
  },
  {
    name: 'a bare Pod that restarts (restartPolicy Always, the default)',
    objects: [bareAlways],
    expect: [found('readiness-missing', bareAlways), found('liveness-missing', bareAlways)],
  },
  {
    name: 'a bare Pod that runs to completion is exempt',
    objects: [pod(name('bare-never'), podSpec({ restartPolicy: 'Never' }))],
    expect: [],
  },
];
