import type { KubeClient } from '@guardian/kube/client';
import type { Informer } from '@guardian/kube/informer';
import { type KubeObject, keyOf, type Resource } from '@guardian/kube/resources';

export const FIELD_MANAGER = 'guardian-operator';

/**
 * Whether `actual` already holds everything `desired` says. Fields the apiserver adds (defaults,
 * uid, managedFields) are ignored; lists must match element by element.
 */
export function contains(actual: unknown, desired: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((d, i) => contains(actual[i], d))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(desired).every(([key, value]) => contains(record[key], value));
  }
  return actual === desired;
}

/**
 * Applies desired children only where the cluster differs from them, so a reconcile that finds
 * everything in place writes nothing; removes children that are no longer desired.
 */
export class ChildWriter {
  private readonly client: KubeClient;

  constructor(client: KubeClient) {
    this.client = client;
  }

  /** Server-side applies `desired` unless the cached object already matches. Returns whether it wrote. */
  async ensure(resource: Resource, informer: Informer<KubeObject>, desired: KubeObject): Promise<boolean> {
    const existing = informer.get(keyOf(desired));
    if (existing && contains(existing, desired)) return false;
    await this.client.apply(resource, desired, { fieldManager: FIELD_MANAGER });
    return true;
  }

  /** Deletes cached children that `belongs` claims and `keep` does not list. Returns their keys. */
  async prune(
    resource: Resource,
    informer: Informer<KubeObject>,
    belongs: (object: KubeObject) => boolean,
    keep: Iterable<string>,
  ): Promise<string[]> {
    const wanted = new Set(keep);
    const extra = informer.list().filter((object) => belongs(object) && !wanted.has(keyOf(object)));
    for (const object of extra) {
      await this.client.delete(resource, object.metadata?.name ?? '', object.metadata?.namespace);
    }
    return extra.map(keyOf);
  }
}
