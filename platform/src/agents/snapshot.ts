import type { V1Node, V1StorageClass } from '@kubernetes/client-node';
import {
  type Kind,
  NAMESPACED_KINDS,
  type NamespacedKind,
  type NamespacedObjects,
  type Stored,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from './kinds.ts';
import { controllerOf, topLevelOwner } from './owners.ts';
import type { ClusterRead } from './types.ts';
import { type Workload, workloadOf } from './workloads.ts';

export interface SnapshotInput {
  namespace: string;
  /** One list per kind of AGENTS.md §0.1, as the API listed it; a kind left out is an empty list. */
  objects: { readonly [K in NamespacedKind]?: readonly NamespacedObjects[K][] };
  /** undefined: not readable in this run, which is not the same as none. */
  nodes?: readonly V1Node[] | undefined;
  storageClasses?: readonly V1StorageClass[] | undefined;
  /** Why a cluster-scoped list is undefined, as a skipped check says it; the reader knows, the library does not. */
  unreadable?: Partial<Record<ClusterRead, string>>;
}

/**
 * One namespace's objects, indexed once per run so that no check scans the namespace. Indexes for
 * later checks are functions of the snapshot, cached per run through `memo` (see lookups/).
 */
export interface Snapshot {
  readonly namespace: string;
  list<K extends NamespacedKind>(kind: K): readonly Stored<K>[];
  get<K extends NamespacedKind>(kind: K, name: string): Stored<K> | undefined;
  /** Objects whose controller ownerReference is `owner` (a Deployment's ReplicaSets, a Job's Pods). */
  children(owner: Stored): readonly Stored<NamespacedKind>[];
  /** AGENTS.md §0.2: the object a finding about `object` is reported on. */
  topLevelOwner(object: Stored<NamespacedKind>): Stored<NamespacedKind>;
  /** AGENTS.md §0.3, in kind order (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod). */
  readonly workloads: readonly Workload[];
  readonly nodes: readonly Stored<'Node'>[] | undefined;
  readonly storageClasses: readonly Stored<'StorageClass'>[] | undefined;
  /** Why `nodes` or `storageClasses` is undefined, where the reader said. */
  readonly unreadable: Partial<Record<ClusterRead, string>>;
  /** `build(snapshot)`, computed once per snapshot: how lookups add an index without a scan per check. */
  memo<T>(build: (snapshot: Snapshot) => T): T;
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const lists = new Map<NamespacedKind, readonly Stored<NamespacedKind>[]>();
  const byKindName = new Map<string, Stored<NamespacedKind>>();
  const byUid = new Map<string, Stored<NamespacedKind>>();
  const children = new Map<string, Stored<NamespacedKind>[]>();
  for (const kind of NAMESPACED_KINDS) {
    const list = (input.objects[kind] ?? []).map((item) => stored(kind, item, input.namespace));
    lists.set(kind, list);
    for (const object of list) {
      byKindName.set(`${kind}/${object.metadata.name}`, object);
      if (object.metadata.uid !== undefined) byUid.set(object.metadata.uid, object);
      const controller = controllerOf(object);
      if (controller) children.set(controller.uid, [...(children.get(controller.uid) ?? []), object]);
    }
  }
  const ownerOf = (object: Stored<NamespacedKind>) => topLevelOwner(object, (uid) => byUid.get(uid));
  const list = <K extends NamespacedKind>(kind: K) =>
    // The map holds, under each kind, only objects stamped with that kind.
    (lists.get(kind) ?? []) as readonly Stored<K>[];

  const podsByOwner = new Map<Stored, Stored<'Pod'>[]>();
  for (const pod of list('Pod')) {
    const owner = ownerOf(pod);
    podsByOwner.set(owner, [...(podsByOwner.get(owner) ?? []), pod]);
  }
  const workloads = WORKLOAD_KINDS.flatMap((kind) =>
    list<WorkloadKind>(kind)
      .filter((object) => ownerOf(object) === object)
      .map((object) => workloadOf(object, podsByOwner.get(object) ?? [])),
  );

  const memos = new Map<(snapshot: Snapshot) => unknown, unknown>();
  const snapshot: Snapshot = {
    namespace: input.namespace,
    list,
    get: <K extends NamespacedKind>(kind: K, name: string) =>
      byKindName.get(`${kind}/${name}`) as Stored<K> | undefined,
    children: (owner) => (owner.metadata.uid === undefined ? [] : (children.get(owner.metadata.uid) ?? [])),
    topLevelOwner: ownerOf,
    workloads,
    nodes: input.nodes?.map((node) => stored('Node', node, undefined)),
    storageClasses: input.storageClasses?.map((storageClass) =>
      stored('StorageClass', storageClass, undefined),
    ),
    unreadable: input.unreadable ?? {},
    memo: <T>(build: (snapshot: Snapshot) => T): T => {
      if (!memos.has(build)) memos.set(build, build(snapshot));
      return memos.get(build) as T;
    },
  };
  return snapshot;
}

interface Listed {
  metadata?: { name?: string; namespace?: string };
}

/** A listed item with its kind written in; a Secret without its values, which no check reads. */
function stored<K extends Kind>(kind: K, item: Listed, namespace: string | undefined): Stored<K> {
  const name = item.metadata?.name;
  if (name === undefined) throw new Error(`a ${kind} without metadata.name`);
  const itemNamespace = item.metadata?.namespace;
  if (itemNamespace !== undefined && itemNamespace !== namespace) {
    throw new Error(
      `${kind} ${name} is in namespace ${itemNamespace}, not ${namespace ?? '(cluster scope)'}`,
    );
  }
  const object = { ...item, kind, metadata: { ...item.metadata, name } } as Stored<K>;
  if (object.kind !== 'Secret') return object;
  return withoutSecretValues(object) as Stored<K>;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface SecretLike {
  metadata?: { annotations?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/**
 * A Secret as agents may see it: its type and key names, no value. `data` keeps its keys with
 * empty values, `stringData` goes, and so does kubectl's last-applied annotation (which holds the
 * whole applied Secret, values included). What a reader applies as it lists, and the snapshot again.
 */
export function withoutSecretValues<T extends SecretLike>(secret: T): T {
  const { [LAST_APPLIED]: _, ...annotations } = secret.metadata?.annotations ?? {};
  const { stringData: _values, ...rest } = secret;
  return {
    ...rest,
    metadata: { ...secret.metadata, annotations },
    data: keysOnly(secret.data),
  } as T;
}

function keysOnly(data: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return data && Object.fromEntries(Object.keys(data).map((key) => [key, '']));
}
