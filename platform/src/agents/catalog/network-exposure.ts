import { named } from '../kinds.ts';
import type { Agent, Check } from '../types.ts';
import { fragment } from './text.ts';

const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

const nodePortService: Check = {
  id: 'nodeport-service',
  severity: 'medium',
  mode: 'spec',
  title: 'Services open on every node',
  target: 'Service',
  detect(service) {
    if (service.spec?.type !== 'NodePort') return undefined;
    const nodePorts = (service.spec.ports ?? []).flatMap((port) => (port.nodePort ? [port.nodePort] : []));
    return {
      message: `${named(service)} is of type NodePort: its ports are open on every node of the cluster.`,
      remediation: `Use type ClusterIP and expose it through an Ingress (or a LoadBalancer with source ranges).\n${fragment('spec', ['type: ClusterIP'])}`,
      evidence: { nodePorts },
    };
  },
};

const loadBalancerUnrestricted: Check = {
  id: 'loadbalancer-unrestricted',
  severity: 'medium',
  mode: 'spec',
  title: 'LoadBalancers open to any address',
  target: 'Service',
  detect(service) {
    if (service.spec?.type !== 'LoadBalancer') return undefined;
    const ranges = service.spec.loadBalancerSourceRanges ?? [];
    const annotated = (service.metadata.annotations?.[SOURCE_RANGES_ANNOTATION] ?? '').trim() !== '';
    if (ranges.length > 0 || annotated) return undefined;
    return {
      message: `${named(service)} is a LoadBalancer that accepts connections from any address.`,
      remediation: `Allow only the clients' address ranges:\n${fragment('spec', ['loadBalancerSourceRanges:', '  - 203.0.113.0/24'])}`,
      evidence: { type: 'LoadBalancer' },
    };
  },
};

const ingressWithoutTls: Check = {
  id: 'ingress-without-tls',
  severity: 'medium',
  mode: 'spec',
  title: 'Ingresses that serve plain HTTP',
  target: 'Ingress',
  detect(ingress) {
    if ((ingress.spec?.tls ?? []).length > 0) return undefined;
    const hosts = [...new Set((ingress.spec?.rules ?? []).flatMap((rule) => (rule.host ? [rule.host] : [])))];
    return {
      message: `${named(ingress)} serves its hosts over plain HTTP (no spec.tls).`,
      remediation: `Terminate TLS at the Ingress with a certificate Secret (cert-manager can issue it):\n${fragment(
        'spec',
        [
          'tls:',
          `  - hosts: [${hosts.join(', ') || '<host>'}]`,
          `    secretName: ${ingress.metadata.name}-tls`,
        ],
      )}`,
      evidence: { hosts },
    };
  },
};

const externalIps: Check = {
  id: 'external-ips',
  severity: 'high',
  mode: 'spec',
  title: 'Services with external IPs',
  target: 'Service',
  detect(service) {
    const addresses = service.spec?.externalIPs ?? [];
    if (addresses.length === 0) return undefined;
    return {
      message: `${named(service)} claims external IPs ${addresses.join(', ')}: traffic to them anywhere in the cluster goes to its Pods (CVE-2020-8554).`,
      remediation: `Remove spec.externalIPs and expose the Service through a LoadBalancer or an Ingress; cluster admins can forbid the field with the DenyServiceExternalIPs admission plugin.`,
      evidence: { externalIPs: addresses },
    };
  },
};

export const networkExposure: Agent = {
  id: 'network-exposure',
  name: 'Network exposure',
  category: 'security',
  description: 'Workloads reachable from outside the cluster.',
  checks: [nodePortService, loadBalancerUnrestricted, ingressWithoutTls, externalIps],
};
