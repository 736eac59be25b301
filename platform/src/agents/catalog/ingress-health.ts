import type { V1IngressServiceBackend } from '@kubernetes/client-node';
import { named, type Stored } from '../kinds.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Agent, Check } from '../types.ts';
import { fragment } from './text.ts';

type Ingress = Stored<'Ingress'>;

/** Every rule path's backend and the default backend that name a Service (resource backends ignored). */
function serviceBackends(ingress: Ingress): V1IngressServiceBackend[] {
  const paths = (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? []);
  return [...paths.map((path) => path.backend), ingress.spec?.defaultBackend].flatMap(
    (backend) => backend?.service ?? [],
  );
}

const portText = (backend: V1IngressServiceBackend) =>
  String(backend.port?.number ?? backend.port?.name ?? '');

function portMissing(snapshot: Snapshot, backend: V1IngressServiceBackend): boolean {
  const service = snapshot.get('Service', backend.name);
  if (!service) return false;
  const { number, name } = backend.port ?? {};
  return !(service.spec?.ports ?? []).some(
    (port) => (number !== undefined && port.port === number) || (name !== undefined && port.name === name),
  );
}

const backendServiceMissing: Check = {
  id: 'backend-service-missing',
  severity: 'high',
  mode: 'spec',
  title: 'Ingresses routing to a Service that does not exist',
  target: 'Ingress',
  detect(ingress, { snapshot }) {
    const missing = [
      ...new Set(
        serviceBackends(ingress)
          .filter((backend) => snapshot.get('Service', backend.name) === undefined)
          .map((backend) => backend.name),
      ),
    ];
    if (missing.length === 0) return undefined;
    return {
      message: `${named(ingress)} routes to Services that do not exist: ${missing.join(', ')}.`,
      remediation: 'Create the Services, or point the backends at Services that exist.',
      evidence: { services: missing },
    };
  },
};

const backendPortMissing: Check = {
  id: 'backend-port-missing',
  severity: 'medium',
  mode: 'spec',
  title: 'Ingresses routing to a port their Service does not have',
  target: 'Ingress',
  detect(ingress, { snapshot }) {
    const missing = serviceBackends(ingress).filter((backend) => portMissing(snapshot, backend));
    const [first] = missing;
    if (!first) return undefined;
    const ports = [
      ...new Map(missing.map((backend) => [`${backend.name}:${portText(backend)}`, backend])).values(),
    ];
    return {
      message: `${named(ingress)} routes to ports its Services do not have: ${ports.map((backend) => `${backend.name}:${portText(backend)}`).join(', ')}.`,
      remediation: `Use a port number or name from the Service's spec.ports:\nkubectl -n ${snapshot.namespace} get service ${first.name} -o jsonpath='{.spec.ports}'`,
      evidence: { backends: ports.map((backend) => ({ service: backend.name, port: portText(backend) })) },
    };
  },
};

const tlsSecretMissing: Check = {
  id: 'tls-secret-missing',
  severity: 'high',
  mode: 'spec',
  title: 'Ingresses whose TLS Secret does not exist',
  target: 'Ingress',
  detect(ingress, { snapshot }) {
    const missing = [
      ...new Set(
        (ingress.spec?.tls ?? [])
          .flatMap((tls) => tls.secretName ?? [])
          .filter((name) => snapshot.get('Secret', name) === undefined),
      ),
    ];
    if (missing.length === 0) return undefined;
    return {
      message: `${named(ingress)} names TLS Secrets that do not exist: ${missing.join(', ')}.`,
      remediation: `Create the Secrets (type kubernetes.io/tls), e.g.:\nkubectl -n ${snapshot.namespace} create secret tls ${missing[0]} --cert=tls.crt --key=tls.key`,
      evidence: { secrets: missing },
    };
  },
};

const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const ingressClassUnset: Check = {
  id: 'ingress-class-unset',
  severity: 'low',
  mode: 'spec',
  title: 'Ingresses without an ingress class',
  target: 'Ingress',
  detect(ingress) {
    if (ingress.spec?.ingressClassName || ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION])
      return undefined;
    return {
      message: `${named(ingress)} names no ingress class: which controller serves it depends on the cluster's default.`,
      remediation: `Set the class of the controller that should serve it.\n${fragment('spec', ['ingressClassName: <class>'])}`,
      evidence: { ingressClassName: null },
    };
  },
};

export const ingressHealth: Agent = {
  id: 'ingress-health',
  name: 'Ingress health',
  category: 'reliability',
  description: 'Ingresses pointing at things that do not exist.',
  checks: [backendServiceMissing, backendPortMissing, tlsSecretMissing, ingressClassUnset],
};
