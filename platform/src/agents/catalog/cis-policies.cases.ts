import { type Case, DEFAULT_SERVICE_ACCOUNT, type KubeManifest, tableOf } from '../testing/case.ts';
import { deployment } from '../testing/manifests.ts';

const { found, onNamespace, name } = tableOf('cis-policies');
const networkPolicy = (row: string): KubeManifest => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: name(row) },
  spec: { podSelector: { matchLabels: { app: name(row) } }, policyTypes: ['Ingress'] },
});

// Both checks read the whole namespace: each row has one of its own. The ServiceAccount default is
// the one Kubernetes creates (automount unset) unless a row brings its own.
const GUARDIAN_DEFAULT =
  'in a Guardian-managed namespace the operator keeps the NetworkPolicy guardian-default, so namespace-without-networkpolicy does not fire there';
const defaultAutomount = found('default-sa-automount', DEFAULT_SERVICE_ACCOUNT);

export const cisPoliciesCases: readonly Case[] = [
  {
    name: 'a namespace as Kubernetes creates it, with one Deployment',
    objects: [deployment(name('alone'))],
    expect: [defaultAutomount, onNamespace('namespace-without-networkpolicy')],
    namespaceWide: true,
    note: GUARDIAN_DEFAULT,
  },
  {
    name: 'any NetworkPolicy, even one that selects nothing, satisfies 5.3.2',
    objects: [networkPolicy('any-policy')],
    expect: [defaultAutomount],
    namespaceWide: true,
  },
  {
    name: 'another ServiceAccount that mounts tokens is not the default one',
    objects: [
      networkPolicy('other-policy'),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: name('other-account') } },
    ],
    expect: [defaultAutomount],
    namespaceWide: true,
  },
  {
    name: 'the ServiceAccount default set not to mount tokens, and a NetworkPolicy',
    objects: [
      networkPolicy('compliant-policy'),
      { ...DEFAULT_SERVICE_ACCOUNT, automountServiceAccountToken: false },
    ],
    expect: [],
    namespaceWide: true,
    note: 'applying it changes the ServiceAccount default Kubernetes created',
  },
];
