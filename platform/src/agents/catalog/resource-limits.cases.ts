import type { V1ResourceRequirements } from '@kubernetes/client-node';
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

const { found, name } = tableOf('resource-limits');
const sized = (resources: V1ResourceRequirements) =>
  podSpec({ containers: [container('app', { resources })] });
const all = { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' };
const complete = { requests: all, limits: all };

const bare = deployment(name('bare'));
const requestsOnly = statefulSet(name('requests-only'), sized({ requests: all }), {
  spec: { serviceName: name('requests-only') },
});
const cpuOnly = job(name('cpu-only'), sized({ requests: { cpu: '100m' }, limits: { cpu: '500m' } }));
const sidecar = deployment(
  name('sidecar'),
  podSpec({
    initContainers: [container('proxy', { restartPolicy: 'Always' })],
    containers: [container('app', { resources: complete })],
  }),
);
const podLevel = pod(
  name('pod-level'),
  podSpec({ resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } } }),
);
const checks = ['cpu-request-missing', 'memory-request-missing', 'cpu-limit-missing', 'memory-limit-missing'];

export const resourceLimitsCases: readonly Case[] = [
  {
    name: 'a container without resources',
    objects: [bare],
    expect: [...checks, 'ephemeral-storage-unset'].map((check) => found(check, bare)),
  },
  {
    name: 'requests and limits of all three',
    objects: [deployment(name('complete'), sized(complete))],
    expect: [],
  },
  {
    name: 'limits only: the API defaults requests to them',
    objects: [cronJob(name('limits-only'), sized({ limits: all }))],
    expect: [],
  },
  {
    name: 'requests only: limits missing',
    objects: [requestsOnly],
    expect: ['cpu-limit-missing', 'memory-limit-missing', 'ephemeral-storage-unset'].map((check) =>
      found(check, requestsOnly),
    ),
  },
  {
    name: 'CPU only: memory and ephemeral storage missing',
    objects: [cpuOnly],
    expect: ['memory-request-missing', 'memory-limit-missing', 'ephemeral-storage-unset'].map((check) =>
      found(check, cpuOnly),
    ),
  },
  {
    name: 'a native sidecar without resources is a running container',
    objects: [sidecar],
    expect: [...checks, 'ephemeral-storage-unset'].map((check) => found(check, sidecar)),
  },
  {
    name: 'an init container without resources is not',
    objects: [
      daemonSet(
        name('init'),
        podSpec({
          initContainers: [container('setup')],
          containers: [container('app', { resources: complete })],
        }),
      ),
    ],
    expect: [],
  },
  {
    name: 'pod-level CPU and memory satisfy the containers; ephemeral storage is still missing',
    objects: [podLevel],
    expect: [found('ephemeral-storage-unset', podLevel)],
    note: 'pod-level resources need the PodLevelResources feature (beta, on by default since 1.34)',
  },
  {
    name: 'LimitRange defaults count as set',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: name('defaults') },
        spec: { limits: [{ type: 'Container', default: all, defaultRequest: all }] },
      },
      deployment(name('defaulted')),
    ],
    expect: [],
    namespaceWide: true,
  },
  {
    name: 'a LimitRange max alone gives a default limit and request',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: name('max-only') },
        spec: { limits: [{ type: 'Container', max: { cpu: '2', memory: '1Gi' } }] },
      },
      deployment(
        name('max-defaulted'),
        sized({ requests: { 'ephemeral-storage': '1Gi' }, limits: { 'ephemeral-storage': '1Gi' } }),
      ),
    ],
    expect: [],
    namespaceWide: true,
    note: 'the API stores max as default and default as defaultRequest',
  },
];
