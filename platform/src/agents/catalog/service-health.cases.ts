import { type Case, tableOf } from '../testing/case.ts';
import {
  container,
  cronJob,
  deployment,
  endpointSlice,
  NO_NODE,
  pod,
  podSpec,
  service,
} from '../testing/manifests.ts';

const { found, name } = tableOf('service-health');
const app = (row: string) => ({ app: name(row) });
/** One container `app` serving on port 8080, named `http`. */
const serving = podSpec({
  containers: [container('app', { ports: [{ name: 'http', containerPort: 8080 }] })],
});
const READY_NOTE =
  "the EndpointSlice controller writes a slice with the Pods' ready endpoints (kwok makes them Ready); the row's own slice says the same";

/** The Service of a row; the row's workload is named after the row itself. */
const svc = (row: string) => name(`${row}-svc`);
const orphan = service(svc('orphan'), app('orphan'));
const batchOnly = service(svc('batch'), app('batch'));
const pending = service(svc('pending'), app('pending'));
const wrongName = service(svc('wrong-name'), app('wrong-name'), {
  ports: [{ port: 80, targetPort: 'metrics' }],
});

export const serviceHealthCases: readonly Case[] = [
  {
    name: 'a selector no template or Pod has',
    objects: [orphan],
    expect: [found('selector-matches-nothing', orphan), found('no-ready-endpoints', orphan)],
    runtime: true,
    note: 'selecting nothing, it has no endpoint either (the controller writes an empty slice)',
  },
  {
    name: 'a selector that matches a Deployment with Ready Pods, targeting a declared port name',
    objects: [
      deployment(name('web'), serving),
      service(svc('web'), app('web'), { ports: [{ port: 80, targetPort: 'http' }] }),
      endpointSlice(name('web-ready'), svc('web'), [true]),
    ],
    expect: [],
    runtime: true,
    note: READY_NOTE,
  },
  {
    name: "a CronJob's template is matched, but no Pod runs",
    objects: [cronJob(name('batch')), batchOnly],
    expect: [found('no-ready-endpoints', batchOnly)],
    runtime: true,
    note: 'no Job has run yet (schedule 0 3 * * *), so the slice holds no endpoint',
  },
  {
    name: 'a selector that matches only a Pending Pod',
    objects: [pod(name('pending'), podSpec({ nodeSelector: NO_NODE })), pending],
    expect: [found('no-ready-endpoints', pending)],
    runtime: true,
    note: 'the Pod stays Pending (its nodeSelector matches no Node): a Pod without an IP gets no endpoint',
  },
  {
    name: 'an ExternalName Service is never evaluated',
    objects: [
      service(svc('external'), app('external'), {
        type: 'ExternalName',
        externalName: 'db.example.com',
      }),
    ],
    expect: [],
  },
  {
    name: 'a Service without a selector (endpoints managed by hand)',
    objects: [service(svc('manual'), undefined)],
    expect: [],
  },
  {
    name: 'a targetPort name no selected container declares',
    objects: [
      deployment(name('wrong-name'), serving),
      wrongName,
      endpointSlice(name('wrong-name-ready'), svc('wrong-name'), [true]),
    ],
    expect: [found('named-target-port-missing', wrongName)],
    runtime: true,
    note: `${READY_NOTE}; the controller lists the endpoint without the port it cannot resolve`,
  },
  {
    name: 'a numeric targetPort is never a missing name',
    objects: [
      deployment(name('numeric'), serving),
      service(svc('numeric'), app('numeric'), { ports: [{ port: 80, targetPort: 9999 }] }),
      endpointSlice(name('numeric-ready'), svc('numeric'), [true]),
    ],
    expect: [],
    runtime: true,
    note: READY_NOTE,
  },
];
