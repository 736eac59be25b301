import type {
  CoreV1Event,
  V1ConfigMap,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Ingress,
  V1Job,
  V1LimitRange,
  V1LimitRangeItem,
  V1LimitRangeSpec,
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicySpec,
  V1Node,
  V1ObjectMeta,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1ResourceQuota,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
  V1StorageClass,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';

// client-node's models describe its own deserialized classes: they rename JSON fields that are
// reserved words (`default` → `_default`, `from` → `_from`) and type timestamps as Date. A snapshot
// holds the JSON the API serves, so those kinds get their JSON names here, and timestamps are strings.
export type LimitRangeItem = Omit<V1LimitRangeItem, '_default'> & { default?: Record<string, string> };
export type LimitRange = Omit<V1LimitRange, 'spec'> & {
  spec?: Omit<V1LimitRangeSpec, 'limits'> & { limits: LimitRangeItem[] };
};
export type NetworkPolicyIngressRule = Omit<V1NetworkPolicyIngressRule, '_from'> & {
  from?: V1NetworkPolicyPeer[];
};
export type NetworkPolicy = Omit<V1NetworkPolicy, 'spec'> & {
  spec?: Omit<V1NetworkPolicySpec, 'ingress'> & { ingress?: NetworkPolicyIngressRule[] };
};
/** A core/v1 Event; events.k8s.io/v1 Events are the same objects, served here with `involvedObject`. */
export type Event = Omit<CoreV1Event, 'eventTime' | 'firstTimestamp' | 'lastTimestamp' | 'series'> & {
  // null where unset: the API serves zero timestamps as null (an old recorder's eventTime, a new
  // one's firstTimestamp and lastTimestamp).
  eventTime?: string | null;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  series?: { count?: number; lastObservedTime?: string | null };
};

/** The namespaced kinds an agent reads (AGENTS.md §0.1), as the API serves them. */
export interface NamespacedObjects {
  Pod: V1Pod;
  Deployment: V1Deployment;
  ReplicaSet: V1ReplicaSet;
  StatefulSet: V1StatefulSet;
  DaemonSet: V1DaemonSet;
  Job: V1Job;
  CronJob: V1CronJob;
  Service: V1Service;
  EndpointSlice: V1EndpointSlice;
  Ingress: V1Ingress;
  NetworkPolicy: NetworkPolicy;
  ConfigMap: V1ConfigMap;
  Secret: V1Secret;
  ServiceAccount: V1ServiceAccount;
  Role: V1Role;
  RoleBinding: V1RoleBinding;
  PersistentVolumeClaim: V1PersistentVolumeClaim;
  HorizontalPodAutoscaler: V2HorizontalPodAutoscaler;
  PodDisruptionBudget: V1PodDisruptionBudget;
  ResourceQuota: V1ResourceQuota;
  LimitRange: LimitRange;
  Event: Event;
}

/** The cluster-scoped kinds a check may read when it says so (AGENTS.md §0.1). */
export interface ClusterObjects {
  Node: V1Node;
  StorageClass: V1StorageClass;
}

export type NamespacedKind = keyof NamespacedObjects;
export type ClusterKind = keyof ClusterObjects;
export type Kind = NamespacedKind | ClusterKind;
type Objects = NamespacedObjects & ClusterObjects;

/** The API version each kind is listed at: autoscaling/v2 and policy/v1 as §0.1 names them. */
export const API_VERSIONS = {
  Pod: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Service: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  ServiceAccount: 'v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  PersistentVolumeClaim: 'v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  ResourceQuota: 'v1',
  LimitRange: 'v1',
  Event: 'v1',
  Node: 'v1',
  StorageClass: 'storage.k8s.io/v1',
} as const satisfies Record<Kind, string>;

/** The resource (plural) each kind is listed by: `/apis/<apiVersion>/namespaces/<ns>/<plural>`. */
export const PLURALS = {
  Pod: 'pods',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  Ingress: 'ingresses',
  NetworkPolicy: 'networkpolicies',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  PodDisruptionBudget: 'poddisruptionbudgets',
  ResourceQuota: 'resourcequotas',
  LimitRange: 'limitranges',
  Event: 'events',
  Node: 'nodes',
  StorageClass: 'storageclasses',
} as const satisfies Record<Kind, string>;

export const NAMESPACED_KINDS = Object.keys(API_VERSIONS).filter(
  (kind): kind is NamespacedKind => kind !== 'Node' && kind !== 'StorageClass',
);

/**
 * An object as the snapshot holds it: as stored by the API server, with its kind written in (items
 * of a LIST carry none) and its name known. A union over kinds, so `object.kind` narrows it.
 */
export type Stored<K extends Kind = Kind> = K extends Kind
  ? Objects[K] & { kind: K; metadata: V1ObjectMeta & { name: string } }
  : never;

/** The objects that own a pod template, plus the bare Pod (AGENTS.md §0.3). */
export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** `Deployment web`: how messages name an object. */
export function named(object: { kind: string; metadata: { name: string } }): string {
  return `${object.kind} ${object.metadata.name}`;
}
