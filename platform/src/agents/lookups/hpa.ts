import type { Stored } from '../kinds.ts';
import type { Snapshot } from '../snapshot.ts';

type Hpa = Stored<'HorizontalPodAutoscaler'>;
/** The kinds an HPA may scale that an agent reads (a ReplicationController is not among them). */
export type ScaleTarget = Stored<'Deployment' | 'StatefulSet' | 'ReplicaSet'>;

const key = (kind: string, name: string) => `${kind}/${name}`;

const byTarget = (snapshot: Snapshot) => {
  const index = new Map<string, Hpa[]>();
  for (const hpa of snapshot.list('HorizontalPodAutoscaler')) {
    const ref = hpa.spec?.scaleTargetRef;
    if (ref) index.set(key(ref.kind, ref.name), [...(index.get(key(ref.kind, ref.name)) ?? []), hpa]);
  }
  return index;
};

/** HPAs whose `scaleTargetRef` names this object (kind and name). */
export function hpasTargeting(snapshot: Snapshot, object: Stored): readonly Hpa[] {
  return snapshot.memo(byTarget).get(key(object.kind, object.metadata.name)) ?? [];
}

/** The object an HPA scales, when it exists in the namespace and is of a kind the agent reads. */
export function hpaTarget(snapshot: Snapshot, hpa: Hpa): ScaleTarget | undefined {
  const ref = hpa.spec?.scaleTargetRef;
  switch (ref?.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return snapshot.get(ref.kind, ref.name);
    default:
      return undefined;
  }
}
