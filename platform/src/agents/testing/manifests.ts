import type {
  V1Container,
  V1CronJobSpec,
  V1JobSpec,
  V1ObjectMeta,
  V1PodSecurityContext,
  V1PodSpec,
  V1PodStatus,
  V1SecurityContext,
} from '@kubernetes/client-node';
import type { KubeManifest } from './case.ts';

// Builders for the case tables: each workload gets the label `app: <name>`, so no row's selector can
// match another row's pods, and each spells out only what its row is about.

type Of<K extends KubeManifest['kind']> = Extract<KubeManifest, { kind: K }>;

export const IMAGE = 'registry.k8s.io/pause:3.10';

export function container(name = 'app', fields: Omit<Partial<V1Container>, 'name'> = {}): V1Container {
  return { name, image: IMAGE, ...fields };
}

/** A pod spec with one container `app`, unless `fields` says otherwise. */
export function podSpec(fields: Partial<V1PodSpec> = {}): V1PodSpec {
  return { containers: [container()], ...fields };
}

/** A pod spec with these security contexts: the pod's, and its one container `app`'s. */
export function securedSpec(pod: V1PodSecurityContext | undefined, app?: V1SecurityContext): V1PodSpec {
  return podSpec({ securityContext: pod, containers: [container('app', { securityContext: app })] });
}

const meta = (name: string) => ({ name, labels: { app: name } });
const template = (name: string, spec: V1PodSpec, annotations?: Record<string, string>) => ({
  metadata: { labels: { app: name }, annotations },
  spec,
});
const selector = (name: string) => ({ matchLabels: { app: name } });

interface Options<Spec, Status> {
  spec?: Partial<Spec>;
  status?: Status;
  /** Annotations of the pod template. */
  podAnnotations?: Record<string, string>;
}

type AppsKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet';
type AppsOptions<K extends AppsKind> = Options<NonNullable<Of<K>['spec']>, Of<K>['status']>;

function apps<K extends AppsKind>(kind: K, name: string, spec: V1PodSpec, options: AppsOptions<K>): Of<K> {
  const object = {
    apiVersion: 'apps/v1',
    kind,
    metadata: meta(name),
    spec: {
      selector: selector(name),
      template: template(name, spec, options.podAnnotations),
      ...options.spec,
    },
    status: options.status,
  };
  // The four apps/v1 controllers share this shape; TypeScript cannot follow K through the spread.
  return object as Of<K>;
}

export const deployment = (name: string, spec = podSpec(), options: AppsOptions<'Deployment'> = {}) =>
  apps('Deployment', name, spec, options);
export const statefulSet = (name: string, spec = podSpec(), options: AppsOptions<'StatefulSet'> = {}) =>
  apps('StatefulSet', name, spec, options);
export const daemonSet = (name: string, spec = podSpec(), options: AppsOptions<'DaemonSet'> = {}) =>
  apps('DaemonSet', name, spec, options);
export const replicaSet = (name: string, spec = podSpec(), options: AppsOptions<'ReplicaSet'> = {}) =>
  apps('ReplicaSet', name, spec, options);

/** A Job's Pods must not restart forever: `restartPolicy: Never` unless the spec says otherwise. */
export function job(
  name: string,
  spec: V1PodSpec = podSpec(),
  options: Options<V1JobSpec, never> = {},
): Of<'Job'> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(name),
    spec: { template: template(name, { restartPolicy: 'Never', ...spec }), ...options.spec },
  };
}

export function cronJob(
  name: string,
  spec: V1PodSpec = podSpec(),
  options: Options<V1CronJobSpec, never> = {},
): Of<'CronJob'> {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(name),
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { template: template(name, { restartPolicy: 'Never', ...spec }) } },
      ...options.spec,
    },
  };
}

export function pod(name: string, spec: V1PodSpec = podSpec(), status?: V1PodStatus): Of<'Pod'> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(name), spec, status };
}

interface Linkable {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
}

type Linked<T> = Omit<T, 'metadata'> & { metadata: V1ObjectMeta & { name: string; uid: string } };

/**
 * Unit tests only (a manifest cannot carry them): uids and controller references as the API server
 * writes them, each object controlled by the next. The last may be of a kind no snapshot holds.
 */
export function controllerChain<T extends readonly Linkable[]>(
  ...objects: T
): { [I in keyof T]: Linked<T[I]> } {
  const uid = (object: Linkable) => object.metadata?.uid ?? `uid-${object.kind}-${object.metadata?.name}`;
  return objects.map((object, index) => {
    const owner = objects[index + 1];
    const ownerReferences = owner && [
      {
        apiVersion: owner.apiVersion ?? 'v1',
        kind: owner.kind ?? '',
        name: owner.metadata?.name ?? '',
        uid: uid(owner),
        controller: true,
      },
    ];
    return { ...object, metadata: { ...object.metadata, uid: uid(object), ownerReferences } };
    // map() loses the tuple's element types; each element keeps its own, with metadata replaced.
  }) as unknown as { [I in keyof T]: Linked<T[I]> };
}
