import { ApiError, type KubeClient } from '@guardian/kube/client';
import type { KubeObject, Resource } from '@guardian/kube/resources';
import {
  API_VERSIONS,
  type ClusterRead,
  type Kind,
  NAMESPACED_KINDS,
  type NamespacedKind,
  PLURALS,
  type SnapshotInput,
  withoutSecretValues,
} from '../agents/index.ts';

/** Where a kind of the agents' kinds table (AGENTS.md §0.1) is listed. */
export function resourceOf(kind: Kind): Resource {
  return {
    apiVersion: API_VERSIONS[kind],
    kind,
    plural: PLURALS[kind],
    namespaced: kind !== 'Node' && kind !== 'StorageClass',
  };
}

/** The organization's agent, whom every namespaced read of a run impersonates (DESIGN.md). */
export function agentUser(orgId: string): string {
  return `system:serviceaccount:org-${orgId}:guardian-agent`;
}

/**
 * A namespace its organization's agent may not list: deleted (its RoleBindings went with it),
 * being deleted, or not provisioned. Said to the user as it is.
 */
export class NamespaceUnreadable extends Error {
  readonly namespace: string;

  constructor(namespace: string, kind: string, cause: ApiError) {
    super(
      `Namespace ${namespace} could not be read as the organization's agent (${kind}: ${cause.reason}): it was deleted, is being deleted, or is not provisioned`,
      { cause },
    );
    this.name = 'NamespaceUnreadable';
    this.namespace = namespace;
  }
}

export interface SnapshotSources {
  /** The organization's agent (`client.impersonating(agentUser(org))`): every namespaced list. */
  agent: KubeClient;
  /** The platform's own identity, for Nodes and StorageClasses; undefined when cluster-scoped reads are off. */
  cluster: KubeClient | undefined;
  /** Told when the platform may not read Nodes or StorageClasses although it should (a missing ClusterRole). */
  onClusterReadRefused?: (kind: 'Node' | 'StorageClass', error: ApiError) => void;
}

type Item = KubeObject & { metadata?: { managedFields?: unknown } };

// Which fields set what is bookkeeping no check reads; it only makes a snapshot larger.
function trimmed<T extends Item>(kind: Kind, item: T): T {
  const { managedFields: _, ...metadata } = item.metadata ?? {};
  const object = { ...item, metadata };
  return kind === 'Secret' ? withoutSecretValues(object) : object;
}

/**
 * What one agent run reads: one LIST per namespaced kind of AGENTS.md §0.1 in `namespace`
 * (paginated by the client), all in parallel, as the organization's agent, so Kubernetes RBAC
 * decides what it sees; Nodes and StorageClasses as the platform itself, when it may. Secret values
 * never leave this function. A namespace the agent may not list is NamespaceUnreadable.
 */
export async function readSnapshot(sources: SnapshotSources, namespace: string): Promise<SnapshotInput> {
  const listNamespaced = async (kind: NamespacedKind) => {
    try {
      const list = await sources.agent.list<Item>(resourceOf(kind), { namespace });
      return [kind, list.items.map((item) => trimmed(kind, item))] as const;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
        throw new NamespaceUnreadable(namespace, kind, error);
      }
      throw new Error(`Could not list ${kind} in ${namespace}`, { cause: error });
    }
  };
  const unreadable: NonNullable<SnapshotInput['unreadable']> = {};
  const listCluster = async (kind: 'Node' | 'StorageClass') => {
    const read = CLUSTER_READS[kind];
    if (!sources.cluster) {
      unreadable[read] =
        `${PLURAL_NAMES[kind]} are not readable: AGENTS_CLUSTER_SCOPED_READS (the chart’s agents.clusterScopedReads) is off`;
      return undefined;
    }
    try {
      return (await sources.cluster.list<Item>(resourceOf(kind))).items.map((item) => trimmed(kind, item));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 403)) {
        throw new Error(`Could not list ${kind}`, { cause: error });
      }
      // Not the apiserver's own message: it names the platform's ServiceAccount, which is not the tenant's business.
      unreadable[read] =
        `${PLURAL_NAMES[kind]} are not readable: AGENTS_CLUSTER_SCOPED_READS is on, but the apiserver refused the platform’s list of ${PLURALS[kind]} (403 Forbidden); the installation lacks the ClusterRole the chart’s agents.clusterScopedReads grants`;
      sources.onClusterReadRefused?.(kind, error);
      return undefined;
    }
  };
  const [lists, nodes, storageClasses] = await Promise.all([
    Promise.all(NAMESPACED_KINDS.map(listNamespaced)),
    listCluster('Node'),
    listCluster('StorageClass'),
  ]);
  return {
    namespace,
    // Each list holds the items of the kind it is filed under, as the API serves them.
    objects: Object.fromEntries(lists) as SnapshotInput['objects'],
    nodes: nodes as SnapshotInput['nodes'],
    storageClasses: storageClasses as SnapshotInput['storageClasses'],
    unreadable,
  };
}

const CLUSTER_READS = { Node: 'nodes', StorageClass: 'storageClasses' } as const satisfies Record<
  'Node' | 'StorageClass',
  ClusterRead
>;
const PLURAL_NAMES = { Node: 'Nodes', StorageClass: 'StorageClasses' } as const;
