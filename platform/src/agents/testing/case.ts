import type { V1Node, V1ObjectMeta, V1StorageClass } from '@kubernetes/client-node';
import type { API_VERSIONS, NamespacedKind, NamespacedObjects } from '../kinds.ts';
import { buildSnapshot, type Snapshot, type SnapshotInput } from '../snapshot.ts';

/** An object of a namespaced kind, with its kind: what a snapshot can be built from in a test. */
export type Listed = { [K in NamespacedKind]: NamespacedObjects[K] & { kind: K } }[NamespacedKind];

/**
 * An apply-able manifest: apiVersion and kind, a name, and nothing only the API server writes (no
 * namespace: the test applies it to its own; no uid or ownerReferences).
 */
export type KubeManifest = {
  [K in NamespacedKind]: NamespacedObjects[K] & {
    apiVersion: (typeof API_VERSIONS)[K];
    kind: K;
    metadata: V1ObjectMeta & { name: string; namespace?: never; uid?: never; ownerReferences?: never };
  };
}[NamespacedKind];

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

export const CASE_NAMESPACE = 'agent-cases';

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
 * A snapshot of these objects, as if they were all a namespace holds besides the ServiceAccount
 * `default` that Kubernetes puts in every namespace (unless the objects bring their own).
 */
export function snapshotOf(
  objects: readonly Listed[],
  cluster: { nodes?: readonly V1Node[]; storageClasses?: readonly V1StorageClass[] } = {},
): Snapshot {
  const ownDefault = objects.some(
    (object) => object.kind === 'ServiceAccount' && object.metadata?.name === 'default',
  );
  const lists: Record<string, Listed[]> = {};
  for (const object of ownDefault ? objects : [...objects, DEFAULT_SERVICE_ACCOUNT]) {
    lists[object.kind] = [...(lists[object.kind] ?? []), object];
  }
  // Each list holds objects of the kind it is filed under.
  return buildSnapshot({ namespace: CASE_NAMESPACE, objects: lists as SnapshotInput['objects'], ...cluster });
}
