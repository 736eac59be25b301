import { type Case, tableOf } from '../testing/case.ts';
import {
  claim,
  cronJob,
  deployment,
  endpointSlice,
  podSpec,
  service,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('idle-resources');
/** No StorageClass: no provisioning, so claims stay Pending wherever the rows run. */
const NO_CLASS = { storageClassName: '' };
const mounting = (claimName: string) =>
  podSpec({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] });

const unused = claim(name('unused'), { ...NO_CLASS, resources: { requests: { storage: '20Gi' } } });
const zero = deployment(name('zero'), mounting(name('zero-data')), { spec: { replicas: 0 } });
const statefulZero = statefulSet(name('stateful-zero'), podSpec(), {
  spec: { replicas: 0, serviceName: name('stateful-zero') },
});
const db = statefulSet(name('db'), podSpec(), {
  spec: {
    replicas: 2,
    serviceName: name('db'),
    volumeClaimTemplates: [
      {
        metadata: { name: name('data') },
        spec: { ...NO_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
  },
});
/** `<template>-<statefulset>-<ordinal>`, as the StatefulSet controller names its claims. */
const ordinalClaim = (ordinal: number) => claim(`${name('data')}-${db.metadata.name}-${ordinal}`, NO_CLASS);
const leftOver = ordinalClaim(2);
const idle = service(name('idle-lb'), { app: name('idle-lb') }, { type: 'LoadBalancer' });

export const idleResourcesCases: readonly Case[] = [
  {
    name: 'a claim nothing mounts (20 GiB, 2.00 a month)',
    objects: [unused],
    expect: [found('pvc-unused', unused)],
  },
  {
    name: 'a claim only a Deployment scaled to zero mounts',
    objects: [claim(name('zero-data'), NO_CLASS), zero],
    expect: [found('workload-scaled-to-zero', zero)],
  },
  {
    name: "a claim only a CronJob's template mounts",
    objects: [claim(name('cron-data'), NO_CLASS), cronJob(name('cron'), mounting(name('cron-data')))],
    expect: [],
  },
  {
    name: 'StatefulSet claims below its replicas are kept; one left over from a scale-down is not',
    objects: [db, ordinalClaim(0), ordinalClaim(1), leftOver],
    expect: [found('pvc-unused', leftOver)],
    note: 'the StatefulSet controller creates the claims of ordinals 0 and 1 itself, with these names',
  },
  {
    name: 'a StatefulSet scaled to zero',
    objects: [statefulZero],
    expect: [found('workload-scaled-to-zero', statefulZero)],
  },
  {
    name: 'a LoadBalancer whose selector matches nothing',
    objects: [idle],
    expect: [found('loadbalancer-idle', idle)],
    runtime: true,
    note: 'the EndpointSlice controller writes a slice without endpoints; no cloud provider is needed',
  },
  {
    name: 'a LoadBalancer with a ready endpoint, and a ClusterIP Service without one',
    objects: [
      deployment(name('served')),
      service(name('served-lb'), { app: name('served') }, { type: 'LoadBalancer' }),
      endpointSlice(name('served-lb-ready'), name('served-lb'), [true]),
      service(name('internal'), { app: name('internal') }),
    ],
    expect: [],
    runtime: true,
    note: "the EndpointSlice controller writes a slice with the Deployment's ready endpoint (kwok makes its Pod Ready); the row's own slice says the same",
  },
];
