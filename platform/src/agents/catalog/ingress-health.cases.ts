import type { V1IngressRule, V1IngressSpec } from '@kubernetes/client-node';
import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';
import { secret, service } from '../testing/manifests.ts';

const { found, name } = tableOf('ingress-health');
const CLASS = { ingressClassName: 'guardian-cases' };

const ingress = (row: string, spec: V1IngressSpec, annotations?: Record<string, string>): KubeManifest => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: name(row), annotations },
  spec,
});
/** A Service of the row's own, with port 80 named `http`. */
const backend = (row: string) =>
  service(name(`${row}-svc`), undefined, { ports: [{ name: 'http', port: 80 }] });
const rule = (service: string, port: { number?: number; name?: string }): V1IngressRule => ({
  host: `${service}.example.com`,
  http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port } } }] },
});
/** An Ingress routing to the row's own Service on `port`. */
const routing = (
  row: string,
  port: { number?: number; name?: string },
  spec: V1IngressSpec = CLASS,
  annotations?: Record<string, string>,
) => {
  const target = backend(row);
  return {
    target,
    ingress: ingress(row, { ...spec, rules: [rule(target.metadata.name, port)] }, annotations),
  };
};

const noService = ingress('no-service', { ...CLASS, rules: [rule(name('missing'), { number: 80 })] });
const noDefault = ingress('no-default', {
  ...CLASS,
  defaultBackend: { service: { name: name('missing-default'), port: { number: 80 } } },
});
const byNumber = routing('by-number', { number: 80 });
const byName = routing('by-name', { name: 'http' });
const wrongNumber = routing('wrong-number', { number: 8080 });
const wrongName = routing('wrong-name', { name: 'https' });
const noTls = routing('no-tls', { number: 80 }, { ...CLASS, tls: [{ secretName: name('missing-tls') }] });
const tls = secret(name('tls'), 'kubernetes.io/tls', { 'tls.crt': '', 'tls.key': '' });
const withTls = routing('with-tls', { number: 80 }, { ...CLASS, tls: [{ secretName: tls.metadata.name }] });
const noClass = routing('no-class', { number: 80 }, {});
const annotated = routing(
  'annotated',
  { number: 80 },
  {},
  { 'kubernetes.io/ingress.class': 'guardian-cases' },
);

export const ingressHealthCases: readonly Case[] = [
  {
    name: 'a rule backend naming no Service',
    objects: [noService],
    expect: [found('backend-service-missing', noService)],
  },
  {
    name: 'a default backend naming no Service',
    objects: [noDefault],
    expect: [found('backend-service-missing', noDefault)],
  },
  {
    name: 'a backend naming a Service port by number',
    objects: [byNumber.target, byNumber.ingress],
    expect: [],
  },
  { name: 'a backend naming a Service port by name', objects: [byName.target, byName.ingress], expect: [] },
  {
    name: 'a port number the Service does not have',
    objects: [wrongNumber.target, wrongNumber.ingress],
    expect: [found('backend-port-missing', wrongNumber.ingress)],
  },
  {
    name: 'a port name the Service does not have',
    objects: [wrongName.target, wrongName.ingress],
    expect: [found('backend-port-missing', wrongName.ingress)],
  },
  {
    name: 'a TLS Secret that does not exist',
    objects: [noTls.target, noTls.ingress],
    expect: [found('tls-secret-missing', noTls.ingress)],
  },
  { name: 'a TLS Secret that exists', objects: [tls, withTls.target, withTls.ingress], expect: [] },
  {
    name: 'neither ingressClassName nor the class annotation',
    objects: [noClass.target, noClass.ingress],
    expect: [found('ingress-class-unset', noClass.ingress)],
    note: 'admission sets ingressClassName when the cluster has a default IngressClass; the local stack has none',
  },
  {
    name: 'the legacy class annotation names the class',
    objects: [annotated.target, annotated.ingress],
    expect: [],
  },
];
