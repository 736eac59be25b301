import type { NetworkPolicy } from '../kinds.ts';
import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';
import { cronJob, daemonSet, deployment, job, pod, statefulSet } from '../testing/manifests.ts';

const { found, name } = tableOf('network-policy');
type PolicySpec = NonNullable<NetworkPolicy['spec']>;
const policy = (row: string, spec: Partial<PolicySpec>): KubeManifest => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: name(`${row}-policy`) },
  spec: { podSelector: { matchLabels: { app: name(row) } }, ...spec },
});
const bothTypes: PolicySpec['policyTypes'] = ['Ingress', 'Egress'];
const dns = { to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] };
const fromPeers = { from: [{ podSelector: { matchLabels: { role: 'client' } } }] };

// Every Guardian-managed namespace holds the operator's NetworkPolicy guardian-default: every pod,
// policyTypes [Ingress]. Applied there, no Pod of these rows is without ingress isolation.
const GUARDIAN_DEFAULT =
  'in a Guardian-managed namespace guardian-default isolates every Pod for ingress, so pod-not-isolated-ingress does not fire there';

const exposed = deployment(name('exposed'));
const isolated = deployment(name('isolated'));
const nothing = policy('nothing-here', { policyTypes: bothTypes });
const batch = cronJob(name('batch'));
const openIngress = statefulSet(name('open-ingress'), undefined, {
  spec: { serviceName: name('open-ingress') },
});
const openIngressPolicy = policy('open-ingress', { ingress: [{}] });
const world = daemonSet(name('world'));
const worldPolicy = policy('world', {
  policyTypes: bothTypes,
  ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
  egress: [dns],
});
const openEgress = job(name('open-egress'));
const openEgressPolicy = policy('open-egress', { policyTypes: ['Egress'], egress: [{}] });
const inferred = deployment(name('inferred'));
const inferredPolicy = policy('inferred', {
  ingress: [fromPeers],
  egress: [{ to: [{ ipBlock: { cidr: '::/0' } }] }],
});
const ingressOnly = pod(name('ingress-only'));
const ingressOnlyPolicy = policy('ingress-only', {
  policyTypes: ['Ingress'],
  ingress: [fromPeers],
  egress: [{}],
});
const denyAllWorkload = deployment(name('deny-all'));

export const networkPolicyCases: readonly Case[] = [
  {
    name: 'a workload no policy selects',
    objects: [exposed],
    expect: [found('pod-not-isolated-ingress', exposed), found('pod-not-isolated-egress', exposed)],
    note: GUARDIAN_DEFAULT,
  },
  {
    name: 'a policy with both types and narrow rules isolates its workload',
    objects: [isolated, policy('isolated', { policyTypes: bothTypes, ingress: [fromPeers], egress: [dns] })],
    expect: [],
  },
  {
    name: 'a podSelector that matches no pod template and no Pod',
    objects: [nothing],
    expect: [found('policy-selects-nothing', nothing)],
  },
  {
    name: "a matchExpressions selector that matches a CronJob's template (batch counts)",
    objects: [
      batch,
      policy('batch', {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [name('batch')] }] },
      }),
    ],
    expect: [found('pod-not-isolated-egress', batch)],
  },
  {
    name: 'an ingress rule {} allows all ingress; without egress rules the policy is Ingress only',
    objects: [openIngress, openIngressPolicy],
    expect: [found('allow-all-ingress', openIngressPolicy), found('pod-not-isolated-egress', openIngress)],
  },
  {
    name: 'an ingress ipBlock of 0.0.0.0/0 without except',
    objects: [world, worldPolicy],
    expect: [found('allow-all-ingress', worldPolicy)],
  },
  {
    name: 'an ipBlock of 0.0.0.0/0 with except, and a {} rule restricted to a port, are not allow-all',
    objects: [
      deployment(name('restricted')),
      policy('restricted', {
        policyTypes: bothTypes,
        ingress: [
          { from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] },
          { ports: [{ protocol: 'TCP', port: 8080 }] },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }],
      }),
    ],
    expect: [],
  },
  {
    name: 'an egress rule {} in an Egress policy; ingress not isolated',
    objects: [openEgress, openEgressPolicy],
    expect: [found('allow-all-egress', openEgressPolicy), found('pod-not-isolated-ingress', openEgress)],
    note: GUARDIAN_DEFAULT,
  },
  {
    name: 'egress rules without policyTypes make it an Egress policy too; ::/0 allows all',
    objects: [inferred, inferredPolicy],
    expect: [found('allow-all-egress', inferredPolicy)],
  },
  {
    name: 'egress rules of a policy whose policyTypes are [Ingress] are ignored',
    objects: [ingressOnly, ingressOnlyPolicy],
    expect: [found('pod-not-isolated-egress', ingressOnly)],
  },
  {
    name: 'an empty podSelector selects every pod, and never selects nothing',
    objects: [
      denyAllWorkload,
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: name('deny-all-policy') },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    ],
    expect: [found('pod-not-isolated-egress', denyAllWorkload)],
    namespaceWide: true,
    note: 'it would isolate the Pods of every other row',
  },
];
