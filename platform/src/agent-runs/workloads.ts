import type { KubeClient } from '@guardian/kube/client';
import { ApiError } from '@guardian/kube/client';
import type { KubeObject } from '@guardian/kube/resources';
import { NamespaceUnreadable, resourceOf } from './snapshot-reader.ts';

interface Scaled extends KubeObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; numberReady?: number; desiredNumberScheduled?: number };
}

/** Ready when every desired replica is ready (a DaemonSet: every Node it targets runs a ready Pod). */
function isReady(kind: 'Deployment' | 'StatefulSet' | 'DaemonSet', object: Scaled): boolean {
  const status = object.status ?? {};
  if (kind === 'DaemonSet') return (status.numberReady ?? 0) >= (status.desiredNumberScheduled ?? 0);
  return (status.readyReplicas ?? 0) >= (object.spec?.replicas ?? 1);
}

/**
 * How many of a namespace's Deployments, StatefulSets and DaemonSets are ready, read as the
 * organization's agent (`agent`, an impersonating client). NamespaceUnreadable where it may not.
 */
export async function workloadReadiness(
  agent: KubeClient,
  namespace: string,
): Promise<{ ready: number; total: number }> {
  const kinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
  const counts = await Promise.all(
    kinds.map(async (kind) => {
      try {
        const { items } = await agent.list<Scaled>(resourceOf(kind), { namespace });
        return { ready: items.filter((item) => isReady(kind, item)).length, total: items.length };
      } catch (error) {
        if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
          throw new NamespaceUnreadable(namespace, kind, error);
        }
        throw new Error(`Could not list ${kind} in ${namespace}`, { cause: error });
      }
    }),
  );
  return {
    ready: counts.reduce((sum, count) => sum + count.ready, 0),
    total: counts.reduce((sum, count) => sum + count.total, 0),
  };
}
