import type { V1IngressSpec, V1ServiceSpec } from '@kubernetes/client-node';
import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';

const { found, name } = tableOf('network-exposure');
const service = (
  row: string,
  spec: Partial<V1ServiceSpec>,
  annotations?: Record<string, string>,
): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: name(row), annotations },
  spec: { selector: { app: name(row) }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
});
const ingress = (row: string, spec: Partial<V1IngressSpec> = {}): KubeManifest => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: name(row) },
  spec: {
    rules: [
      {
        host: `${row}.example.com`,
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: name('web'), port: { number: 80 } } },
            },
          ],
        },
      },
    ],
    ...spec,
  },
});

const nodePort = service('node-port', { type: 'NodePort' });
const openBalancer = service('lb-open', { type: 'LoadBalancer' });
const plainIngress = ingress('plain');
const externalIps = service('external-ips', { externalIPs: ['203.0.113.10'] });

export const networkExposureCases: readonly Case[] = [
  { name: 'a NodePort Service', objects: [nodePort], expect: [found('nodeport-service', nodePort)] },
  {
    name: 'a LoadBalancer open to all: its own node ports are not a NodePort finding',
    objects: [openBalancer],
    expect: [found('loadbalancer-unrestricted', openBalancer)],
    note: 'without a load-balancer controller the Service stays pending; the check reads its spec',
  },
  {
    name: 'a LoadBalancer with source ranges',
    objects: [service('lb-ranges', { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] })],
    expect: [],
  },
  {
    name: 'a LoadBalancer restricted by the source-ranges annotation',
    objects: [
      service(
        'lb-annotated',
        { type: 'LoadBalancer' },
        { 'service.beta.kubernetes.io/load-balancer-source-ranges': '198.51.100.0/24' },
      ),
    ],
    expect: [],
  },
  {
    name: 'a ClusterIP Service with external IPs',
    objects: [externalIps],
    expect: [found('external-ips', externalIps)],
    note: 'a cluster with the DenyServiceExternalIPs admission plugin rejects it',
  },
  { name: 'a ClusterIP Service is clean', objects: [service('cluster-ip', {})], expect: [] },
  {
    name: 'an Ingress without TLS',
    objects: [plainIngress],
    expect: [found('ingress-without-tls', plainIngress)],
  },
  {
    name: 'an Ingress with TLS',
    objects: [ingress('tls', { tls: [{ hosts: ['tls.example.com'], secretName: name('tls-cert') }] })],
    expect: [],
  },
];
