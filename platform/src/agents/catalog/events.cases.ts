import { type Case, tableOf } from '../testing/case.ts';
import { claim, configMap, deployment, event, hpa, pod, service } from '../testing/manifests.ts';

const { found, name } = tableOf('events');
const NOTE =
  'Events are created through the API with their timestamps moved by the test clock (CASE_CLOCK) and involvedObject.namespace set to the test namespace';

const web = deployment(name('web'));
const crashing = pod(name('crashing'));
const svc = service(name('svc'), { app: name('svc') });
const data = claim(name('data'), { storageClassName: '' });
const quiet = deployment(name('quiet'));
const config = configMap(name('config'));
const scaler = hpa(name('scaler'), { kind: 'Deployment', name: name('no-such-deployment') });

export const eventsCases: readonly Case[] = [
  {
    name: 'a Warning on a Deployment 10 minutes ago',
    objects: [web, event(name('web-warning'), web, { reason: 'ReplicaSetCreateError' })],
    expect: [found('warning-events', web)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'two reasons on a bare Pod are one finding',
    objects: [
      crashing,
      event(name('crashing-backoff'), crashing, { reason: 'BackOff', count: 5 }),
      event(name('crashing-unhealthy'), crashing, { reason: 'Unhealthy', minutes: 3 }),
    ],
    expect: [found('warning-events', crashing)],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'a Warning on a Service, on a PVC and on an HPA',
    objects: [
      svc,
      event(name('svc-warning'), svc, { reason: 'FailedToUpdateEndpointSlices' }),
      data,
      event(name('data-warning'), data, { reason: 'ProvisioningFailed' }),
      scaler,
      event(name('scaler-warning'), scaler, { reason: 'FailedGetScale' }),
    ],
    expect: [found('warning-events', svc), found('warning-events', data), found('warning-events', scaler)],
    runtime: true,
    note: `${NOTE}; the HPA's target does not exist, so the HPA controller adds FailedGetScale Warnings of its own`,
  },
  {
    name: 'Normal events and Warnings older than 60 minutes',
    objects: [
      quiet,
      event(name('quiet-normal'), quiet, { reason: 'ScalingReplicaSet', type: 'Normal' }),
      event(name('quiet-old'), quiet, { reason: 'ReplicaSetCreateError', minutes: 120 }),
    ],
    expect: [],
    runtime: true,
    note: NOTE,
  },
  {
    name: 'Warnings on kinds the check does not read, or on objects that are gone',
    objects: [
      config,
      event(name('config-warning'), config, { reason: 'Invalid' }),
      event(name('gone-warning'), pod(name('gone')), { reason: 'BackOff' }),
    ],
    expect: [],
    runtime: true,
    note: NOTE,
  },
];
