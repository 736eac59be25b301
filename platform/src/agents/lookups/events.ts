import type { NamespacedKind, Stored } from '../kinds.ts';
import { timeOf } from '../semantics/time.ts';
import type { Snapshot } from '../snapshot.ts';

type Event = Stored<'Event'>;

/** The kinds whose Events `events/warning-events` reads (AGENTS.md: Pods, ReplicaSets, workloads, Services, PVCs, HPAs). */
const INVOLVED_KINDS: readonly NamespacedKind[] = [
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Service',
  'PersistentVolumeClaim',
  'HorizontalPodAutoscaler',
];
/** Reported on themselves; the others on their top-level owner (§0.2). */
const ON_ITSELF: readonly string[] = ['Service', 'PersistentVolumeClaim', 'HorizontalPodAutoscaler'];

/** The object an Event names (`involvedObject`, by kind and name), when it is of a kind above and in the snapshot. */
export function involvedObject(snapshot: Snapshot, event: Event): Stored<NamespacedKind> | undefined {
  const kind = INVOLVED_KINDS.find((known) => known === event.involvedObject.kind);
  const name = event.involvedObject.name;
  return kind === undefined || name === undefined ? undefined : snapshot.get(kind, name);
}

/** When an Event was last seen: the latest of its series, lastTimestamp and eventTime, else its creation. */
export function lastSeen(event: Event): number | undefined {
  const times = [event.series?.lastObservedTime, event.lastTimestamp, event.eventTime].flatMap(
    (value) => timeOf(value) ?? [],
  );
  return times.length > 0 ? Math.max(...times) : timeOf(event.metadata.creationTimestamp);
}

export interface WarningEvent {
  event: Event;
  /** The object it names. */
  object: Stored<NamespacedKind>;
}

const warningsByOwner = (snapshot: Snapshot) => {
  const byEvent = new Map<Event, Stored<NamespacedKind>>();
  const byOwner = new Map<Stored<NamespacedKind>, WarningEvent[]>();
  for (const event of snapshot.list('Event')) {
    if (event.type !== 'Warning') continue;
    const object = involvedObject(snapshot, event);
    if (!object) continue;
    const owner = ON_ITSELF.includes(object.kind) ? object : snapshot.topLevelOwner(object);
    byEvent.set(event, owner);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), { event, object }]);
  }
  return { byEvent, byOwner };
};

/**
 * The object a Warning Event is reported on: the top-level owner of a Pod, ReplicaSet or workload,
 * or the Service, PVC or HPA itself. undefined for other Events.
 */
export function warningReportedOn(snapshot: Snapshot, event: Event): Stored<NamespacedKind> | undefined {
  return snapshot.memo(warningsByOwner).byEvent.get(event);
}

/** The Warning Events reported on an object, in listing order. */
export function warningsOn(snapshot: Snapshot, owner: Stored<NamespacedKind>): readonly WarningEvent[] {
  return snapshot.memo(warningsByOwner).byOwner.get(owner) ?? [];
}
