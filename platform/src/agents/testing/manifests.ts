import type {
  V1Container,
  V1CronJobSpec,
  V1JobSpec,
  V1NodeStatus,
  V1ObjectMeta,
  V1PersistentVolumeClaimSpec,
  V1PersistentVolumeClaimStatus,
  V1PodDisruptionBudgetSpec,
  V1PodDisruptionBudgetStatus,
  V1PodSecurityContext,
  V1PodSpec,
  V1PodStatus,
  V1SecurityContext,
  V1ServiceSpec,
  V2HorizontalPodAutoscalerSpec,
  V2HorizontalPodAutoscalerStatus,
} from '@kubernetes/client-node';
import { CASE_NAMESPACE, type KubeManifest, minutesAgo } from './case.ts';

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

/**
 * A nodeSelector no Node has: its Pods stay Pending, and kwok (which writes the status of Pods on
 * its Node) leaves them to the status a row writes.
 */
export const NO_NODE = { 'guardian.aiops.dev/no-such-node': 'true' } as const;

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

type Labels = Record<string, string>;

/** A Service on port 80 selecting `selector` (a ClusterIP unless `spec` says otherwise). */
export function service(
  name: string,
  selector: Labels | undefined,
  spec: Partial<V1ServiceSpec> = {},
): Of<'Service'> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector, ports: [{ port: 80 }], ...spec },
  };
}

/** A 1Gi ReadWriteOnce claim, unless `spec` says otherwise. */
export function claim(
  name: string,
  spec: Partial<V1PersistentVolumeClaimSpec> = {},
  status?: V1PersistentVolumeClaimStatus,
): Of<'PersistentVolumeClaim'> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
    status,
  };
}

export function configMap(
  name: string,
  data?: Labels,
  metadata: Pick<V1ObjectMeta, 'labels' | 'annotations'> = {},
): Of<'ConfigMap'> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...metadata, name }, data };
}

/** An Opaque Secret with one key, unless `type` says otherwise. */
export function secret(name: string, type = 'Opaque', data: Labels = { key: 'dmFsdWU=' }): Of<'Secret'> {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type, data };
}

/** A PDB selecting the Pods of the workload `app` (see `deployment`), unless `spec` says otherwise. */
export function pdb(
  name: string,
  app: string,
  spec: Partial<V1PodDisruptionBudgetSpec> = {},
  status?: V1PodDisruptionBudgetStatus,
): Of<'PodDisruptionBudget'> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name },
    spec: { selector: { matchLabels: { app } }, ...spec },
    status,
  };
}

/** An HPA scaling `target` (of apps/v1 by default) between 2 and 5 replicas on CPU, unless `spec` says otherwise. */
export function hpa(
  name: string,
  target: { apiVersion?: string; kind: string; name: string },
  spec: Partial<V2HorizontalPodAutoscalerSpec> = {},
  status?: V2HorizontalPodAutoscalerStatus,
): Of<'HorizontalPodAutoscaler'> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', ...target },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
      ...spec,
    },
    status,
  };
}

/** A Node with these labels; `status` is what a kubelet would write (runtime rows only). */
export function node(
  name: string,
  labels: Labels,
  fields: { unschedulable?: boolean; status?: V1NodeStatus } = {},
): Of<'Node'> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: fields.unschedulable === undefined ? {} : { unschedulable: fields.unschedulable },
    status: fields.status,
  };
}

/** A StorageClass of a provisioner no cluster runs: its claims stay Pending. */
export function storageClass(name: string, annotations?: Labels): Of<'StorageClass'> {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, annotations },
    provisioner: 'guardian.aiops.dev/none',
  };
}

/**
 * An EndpointSlice of `service` with one endpoint per entry of `ready` (its `conditions.ready`), as
 * the EndpointSlice controller writes them for the Service's Pods. It is managed by another name, so
 * in a cluster the controller leaves it be and writes its own beside it.
 */
export function endpointSlice(name: string, service: string, ready: readonly boolean[]): Of<'EndpointSlice'> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      labels: {
        'kubernetes.io/service-name': service,
        'endpointslice.kubernetes.io/managed-by': 'agent-cases.guardian.aiops.dev',
      },
    },
    addressType: 'IPv4',
    endpoints: ready.map((isReady, index) => ({
      addresses: [`10.244.255.${index + 1}`],
      conditions: { ready: isReady },
    })),
    ports: [{ port: 8080, protocol: 'TCP' }],
  };
}

/**
 * A core/v1 Event about `involved`, last seen `minutes` before the case clock's now. The API wants
 * `involvedObject.namespace` to be the Event's own: the integration test writes its namespace there.
 */
export function event(
  name: string,
  involved: { apiVersion: string; kind: string; metadata: { name: string } },
  fields: { reason: string; type?: string; message?: string; minutes?: number; count?: number },
): Of<'Event'> {
  const { reason, type = 'Warning', message = reason, minutes = 10, count = 1 } = fields;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: CASE_NAMESPACE,
    },
    type,
    reason,
    message,
    count,
    firstTimestamp: minutesAgo(minutes),
    lastTimestamp: minutesAgo(minutes),
    source: { component: 'agent-cases' },
  };
}
