import type { V1PodSpec } from '@kubernetes/client-node';
import type { Stored } from '../kinds.ts';
import type { Snapshot } from '../snapshot.ts';

/** `spec.serviceAccountName`, else the deprecated `spec.serviceAccount`, else `default`. */
export function serviceAccountName(spec: V1PodSpec): string {
  return spec.serviceAccountName || spec.serviceAccount || 'default';
}

/** The ServiceAccount a pod spec runs as, when it exists in the namespace. */
export function serviceAccountOf(snapshot: Snapshot, spec: V1PodSpec): Stored<'ServiceAccount'> | undefined {
  return snapshot.get('ServiceAccount', serviceAccountName(spec));
}
