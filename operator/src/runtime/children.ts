import { createHash } from 'node:crypto';
import type { KubeClient } from '@guardian/kube/client';
import type { Informer } from '@guardian/kube/informer';
import { type KubeObject, keyOf, type Resource } from '@guardian/kube/resources';

export const FIELD_MANAGER = 'guardian-operator';

/** The digest of the configuration the operator last applied to a child, on the child itself. */
export const APPLIED_HASH = 'guardian.aiops.dev/applied-hash';

/** JSON with object keys sorted at every level, so equal objects hash equally. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/**
 * The digest of a desired object: a change of any field, a removed one included, changes it. Only
 * a digest is kept (of a Secret too: it reveals nothing of random credentials).
 */
export function appliedHash(desired: KubeObject): string {
  return createHash('sha256').update(canonical(desired)).digest('base64url').slice(0, 32);
}

/** `desired` carrying its own digest in the `applied-hash` annotation. */
export function withAppliedHash<T extends KubeObject>(desired: T): T {
  const metadata = desired.metadata ?? {};
  return {
    ...desired,
    metadata: { ...metadata, annotations: { ...metadata.annotations, [APPLIED_HASH]: appliedHash(desired) } },
  };
}

/**
 * Whether the apply of `desired` can be skipped: the cached object is exactly what was last
 * applied (same digest, so no field was added or dropped since) and still holds every value of it
 * (nobody changed one since: drift is repaired).
 */
export function upToDate(existing: KubeObject | undefined, desired: KubeObject): boolean {
  return (
    existing?.metadata?.annotations?.[APPLIED_HASH] === appliedHash(desired) && contains(existing, desired)
  );
}

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

  /**
   * Server-side applies `desired` unless the cached object is what was last applied and still
   * holds it. A subset check alone would never apply a desired state that only drops a field
   * (a plan that no longer limits pods), so the old value would stay forever. Returns whether it wrote.
   */
  async ensure(resource: Resource, informer: Informer<KubeObject>, desired: KubeObject): Promise<boolean> {
    if (upToDate(informer.get(keyOf(desired)), desired)) return false;
    await this.client.apply(resource, withAppliedHash(desired), { fieldManager: FIELD_MANAGER });
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
