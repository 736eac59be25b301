import type { V1ResourceQuotaStatus } from '@kubernetes/client-node';
import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';
import { deployment } from '../testing/manifests.ts';

const { found, onNamespace, name } = tableOf('quota-governance');
const quota = (row: string, hard: Record<string, string>, status?: V1ResourceQuotaStatus): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: name(row) },
  spec: { hard },
  status,
});
const limitRange = (row: string): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: name(row) },
  spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' } }] },
});

// Every check reads the whole namespace: each row has one of its own.
const GUARDIAN_PLAN =
  "in a Guardian-managed namespace the organization's plan may add the ResourceQuota and LimitRange guardian-plan";
const COUNTED =
  "status as the quota controller writes it: kube-root-ca.crt counts as one of the namespace's ConfigMaps";

const nearLimit = quota(
  'near-limit',
  { configmaps: '2', 'services.loadbalancers': '0' },
  {
    hard: { configmaps: '2', 'services.loadbalancers': '0' },
    used: { configmaps: '2', 'services.loadbalancers': '0' },
  },
);

export const quotaGovernanceCases: readonly Case[] = [
  {
    name: 'a namespace with one Deployment and neither',
    objects: [deployment(name('alone'))],
    expect: [onNamespace('namespace-without-resourcequota'), onNamespace('namespace-without-limitrange')],
    namespaceWide: true,
    note: GUARDIAN_PLAN,
  },
  {
    name: 'a LimitRange alone',
    objects: [limitRange('limits-only')],
    expect: [onNamespace('namespace-without-resourcequota')],
    namespaceWide: true,
    note: GUARDIAN_PLAN,
  },
  {
    name: 'a ResourceQuota alone, far from its limits',
    objects: [quota('quota-only', { pods: '10' })],
    expect: [onNamespace('namespace-without-limitrange')],
    namespaceWide: true,
    note: `${GUARDIAN_PLAN}; the quota controller writes 0 of 10 pods`,
  },
  {
    name: 'a quota at 100% of its ConfigMaps; a hard limit of 0 is not "near"',
    objects: [
      nearLimit,
      limitRange('near-limit-defaults'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name('settings') }, data: { mode: 'on' } },
    ],
    expect: [found('quota-near-limit', nearLimit)],
    namespaceWide: true,
    runtime: true,
    note: COUNTED,
  },
  {
    name: 'a quota at a third of its ConfigMaps, and a LimitRange',
    objects: [
      quota('below-limit', { configmaps: '3' }, { hard: { configmaps: '3' }, used: { configmaps: '1' } }),
      limitRange('below-limit-defaults'),
    ],
    expect: [],
    namespaceWide: true,
    runtime: true,
    note: COUNTED,
  },
];
