import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';

interface Owned {
  metadata: V1ObjectMeta;
}

/** The ownerReference with `controller: true`, if any: the only one the owner walk follows. */
export function controllerOf(object: Owned): V1OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller === true);
}

/**
 * The top-level owner of AGENTS.md §0.2: controller ownerReferences followed while the owner is an
 * object the snapshot holds (`byUid`), so Pod → ReplicaSet → Deployment, Pod → Job → CronJob, and a
 * chain into a kind the agent cannot read (a custom resource) ends on the last readable object.
 * Owners are matched by uid: an object of the same name with another uid is a successor, not the owner.
 */
export function topLevelOwner<T extends Owned>(object: T, byUid: (uid: string) => T | undefined): T {
  let current = object;
  const seen = new Set<T>([object]);
  for (let reference = controllerOf(current); reference; reference = controllerOf(current)) {
    const owner = byUid(reference.uid);
    // A cycle cannot be stored by the garbage collector's rules, but a snapshot is data from outside.
    if (owner === undefined || seen.has(owner)) break;
    seen.add(owner);
    current = owner;
  }
  return current;
}
