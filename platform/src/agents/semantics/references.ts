import type { V1Container, V1EphemeralContainer, V1PodSpec } from '@kubernetes/client-node';

export type ReferencedKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';

/** A namespaced object a pod spec names, and where. */
export interface Reference {
  kind: ReferencedKind;
  name: string;
  /** The field: a volume (projected sources included), a container's env or envFrom, or imagePullSecrets. */
  via: 'volume' | 'env' | 'envFrom' | 'imagePullSecrets';
  /** For evidence: `volume config`, `container app env DB_URL`, `container app envFrom`, `imagePullSecrets`. */
  at: string;
  /** `optional: true`: the Pod starts without the object. */
  optional: boolean;
}

type Container = V1Container | V1EphemeralContainer;

/**
 * Every ConfigMap, Secret and PersistentVolumeClaim a pod spec names: `secret`, `configMap` and
 * `persistentVolumeClaim` volumes, projected `secret`/`configMap` sources, `secretKeyRef`/
 * `configMapKeyRef` env values, `envFrom` of all containers (init, regular, ephemeral) and
 * `imagePullSecrets`. Volumes named in `replacedVolumes` are left out (a StatefulSet's claim
 * templates replace the template's volumes of the same name).
 */
export function podSpecReferences(spec: V1PodSpec, replacedVolumes: readonly string[] = []): Reference[] {
  const volumes = (spec.volumes ?? [])
    .filter((volume) => !replacedVolumes.includes(volume.name))
    .flatMap((volume): Reference[] => {
      const at = `volume ${volume.name}`;
      const of = (kind: ReferencedKind, name: string | undefined, optional = false): Reference[] =>
        name === undefined || name === '' ? [] : [{ kind, name, via: 'volume', at, optional }];
      return [
        ...of('Secret', volume.secret?.secretName, volume.secret?.optional === true),
        ...of('ConfigMap', volume.configMap?.name, volume.configMap?.optional === true),
        ...of('PersistentVolumeClaim', volume.persistentVolumeClaim?.claimName),
        ...(volume.projected?.sources ?? []).flatMap((source) => [
          ...of('Secret', source.secret?.name, source.secret?.optional === true),
          ...of('ConfigMap', source.configMap?.name, source.configMap?.optional === true),
        ]),
      ];
    });
  const containers: Container[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...(spec.ephemeralContainers ?? []),
  ];
  const pullSecrets = (spec.imagePullSecrets ?? []).flatMap(({ name }): Reference[] =>
    name ? [{ kind: 'Secret', name, via: 'imagePullSecrets', at: 'imagePullSecrets', optional: false }] : [],
  );
  return [...volumes, ...containers.flatMap(containerReferences), ...pullSecrets];
}

function containerReferences(container: Container): Reference[] {
  const env = (container.env ?? []).flatMap(({ name, valueFrom }): Reference[] => {
    const at = `container ${container.name} env ${name}`;
    const secret = valueFrom?.secretKeyRef;
    const configMap = valueFrom?.configMapKeyRef;
    return [
      ...(secret?.name ? [ref('Secret', secret.name, 'env', at, secret.optional)] : []),
      ...(configMap?.name ? [ref('ConfigMap', configMap.name, 'env', at, configMap.optional)] : []),
    ];
  });
  const envFrom = (container.envFrom ?? []).flatMap(({ secretRef, configMapRef }): Reference[] => {
    const at = `container ${container.name} envFrom`;
    return [
      ...(secretRef?.name ? [ref('Secret', secretRef.name, 'envFrom', at, secretRef.optional)] : []),
      ...(configMapRef?.name
        ? [ref('ConfigMap', configMapRef.name, 'envFrom', at, configMapRef.optional)]
        : []),
    ];
  });
  return [...env, ...envFrom];
}

const ref = (
  kind: ReferencedKind,
  name: string,
  via: Reference['via'],
  at: string,
  optional: boolean | undefined,
): Reference => ({ kind, name, via, at, optional: optional === true });
