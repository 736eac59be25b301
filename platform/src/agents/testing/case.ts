import type { V1Node, V1ObjectMeta, V1StorageClass } from '@kubernetes/client-node';
import type { API_VERSIONS, ClusterObjects, Kind, NamespacedObjects } from '../kinds.ts';
import { buildSnapshot, type Snapshot, type SnapshotInput } from '../snapshot.ts';

type Objects = NamespacedObjects & ClusterObjects;

/**
 * An object with its kind: what a snapshot can be built from in a test. Nodes and StorageClasses
 * are the cluster's, the rest the namespace's.
 */
export type Listed = { [K in Kind]: Objects[K] & { kind: K } }[Kind];

/**
 * An apply-able manifest: apiVersion and kind, a name, and nothing only the API server writes (no
 * namespace: the test applies it to its own; no uid, ownerReferences or creationTimestamp). Nodes and
 * StorageClasses are cluster-scoped: the whole cluster shares them (see the rows that hold them).
 */
export type KubeManifest = {
  [K in Kind]: Objects[K] & {
    apiVersion: (typeof API_VERSIONS)[K];
    kind: K;
    metadata: V1ObjectMeta & {
      name: string;
      namespace?: never;
      uid?: never;
      ownerReferences?: never;
      creationTimestamp?: never;
    };
  };
}[Kind];

export interface ExpectedFinding {
  /** `<agent>/<check>` */
  check: string;
  kind: string;
  /**
   * A finding of kind Namespace names the namespace the row runs in: CASE_NAMESPACE here, the
   * integration test's own namespace there.
   */
  name: string;
}

/**
 * One row of an agent's table: the objects, alone in a namespace, give exactly `expect` when the
 * agent runs. The integration test applies the same rows to a real namespace.
 */
export interface Case {
  name: string;
  objects: readonly KubeManifest[];
  expect: readonly ExpectedFinding[];
  /** The outcome depends on `status` the row writes, which controllers or the scheduler write in a cluster. */
  runtime?: true;
  /** A LimitRange and the like: it changes every object of the namespace, so the row needs a namespace of its own. */
  namespaceWide?: true;
  /** Why the outcome is what it is where that is not obvious (API defaulting, feature gates, status). */
  note?: string;
}

/**
 * What a case table writes often: `found(check, object)`, an expected finding of this agent,
 * `onNamespace(check)`, one on the namespace the row runs in, and `name(row)`, an object name
 * prefixed with the agent so that names stay unique across tables.
 */
export function tableOf(agent: string) {
  const found = (check: string, object: { kind: string; metadata: { name: string } }): ExpectedFinding => ({
    check: `${agent}/${check}`,
    kind: object.kind,
    name: object.metadata.name,
  });
  return {
    found,
    onNamespace: (check: string) => found(check, { kind: 'Namespace', metadata: { name: CASE_NAMESPACE } }),
    name: (row: string) => `${agent}-${row}`,
  };
}

/** What Kubernetes creates in every namespace and the agents read: the ServiceAccount `default`. */
export const DEFAULT_SERVICE_ACCOUNT = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'default' },
} as const satisfies KubeManifest;

/**
 * The namespace rows are evaluated in. A row names it only where the API demands one (an Event's
 * `involvedObject.namespace`): the integration test writes its own namespace there.
 */
export const CASE_NAMESPACE = 'agent-cases';

const MINUTE = 60_000;

/**
 * The clock of the case tables: every row's objects are created at `created` (the creationTimestamp
 * snapshotOf stamps, as the API server would) and evaluated at `now`, ten minutes later. Times a row
 * writes itself (an Event's lastTimestamp) are written relative to `now` with `minutesAgo`. The
 * integration test evaluates at its own apply time + 10 minutes, and moves the rows' own times by
 * (its apply time − `created`) before it creates them.
 */
export const CASE_CLOCK = {
  created: Date.parse('2025-06-01T12:00:00Z'),
  now: Date.parse('2025-06-01T12:10:00Z'),
} as const;

/** A timestamp `minutes` before the case clock's `now` (or before `from`), as the API serves it. */
export function minutesAgo(minutes: number, from: number = CASE_CLOCK.now): string {
  return new Date(from - minutes * MINUTE).toISOString();
}

/**
 * A snapshot of exactly these objects, as if they were all a namespace holds (besides the
 * ServiceAccount `default` that Kubernetes puts in every namespace, unless the objects bring their
 * own) and all the cluster's Nodes and StorageClasses (readable, possibly none); `cluster` overrides
 * those lists, `undefined` marking one unreadable. Objects without a creationTimestamp get
 * `CASE_CLOCK.created`.
 */
export function snapshotOf(
  objects: readonly Listed[],
  cluster: {
    nodes?: readonly V1Node[] | undefined;
    storageClasses?: readonly V1StorageClass[] | undefined;
  } = {},
): Snapshot {
  const ownDefault = objects.some(
    (object) => object.kind === 'ServiceAccount' && object.metadata?.name === 'default',
  );
  const lists: Record<string, Listed[]> = {};
  const nodes: V1Node[] = [];
  const storageClasses: V1StorageClass[] = [];
  const all: readonly Listed[] = ownDefault ? objects : [...objects, DEFAULT_SERVICE_ACCOUNT];
  for (const object of all) {
    const creationTimestamp = object.metadata?.creationTimestamp ?? new Date(CASE_CLOCK.created);
    const created = { ...object, metadata: { ...object.metadata, creationTimestamp } };
    if (created.kind === 'Node') nodes.push(created);
    else if (created.kind === 'StorageClass') storageClasses.push(created);
    else lists[created.kind] = [...(lists[created.kind] ?? []), created];
  }
  return buildSnapshot({
    namespace: CASE_NAMESPACE,
    // Each list holds objects of the kind it is filed under.
    objects: lists as SnapshotInput['objects'],
    nodes: 'nodes' in cluster ? cluster.nodes : nodes,
    storageClasses: 'storageClasses' in cluster ? cluster.storageClasses : storageClasses,
  });
}
