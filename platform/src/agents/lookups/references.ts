import { type Stored, WORKLOAD_KINDS, type WorkloadKind } from '../kinds.ts';
import { podSpecReferences, type Reference, type ReferencedKind } from '../semantics/references.ts';
import type { Snapshot } from '../snapshot.ts';
import { podTemplateOf, type Workload } from '../workloads.ts';

/**
 * What a workload's pod template (a bare Pod's spec) references. A StatefulSet's claim templates
 * replace the template's volumes of the same name, so those volumes reference nothing.
 */
export function workloadReferences(workload: Workload): readonly Reference[] {
  const { object } = workload;
  const claimTemplates =
    object.kind === 'StatefulSet'
      ? (object.spec?.volumeClaimTemplates ?? []).flatMap((claim) => claim.metadata?.name ?? [])
      : [];
  return podSpecReferences(workload.podSpec, claimTemplates);
}

const key = (kind: ReferencedKind, name: string) => `${kind}/${name}`;

// Every object that holds a pod template or is a Pod, owned ones included: a Deployment's older
// ReplicaSets and a CronJob's Jobs still name what a rollback or the next run needs.
const podSpecNames = (snapshot: Snapshot) => {
  const names = new Set<string>();
  for (const holder of WORKLOAD_KINDS.flatMap((kind) => snapshot.list<WorkloadKind>(kind))) {
    const spec = podTemplateOf(holder)?.spec;
    for (const reference of spec ? podSpecReferences(spec) : [])
      names.add(key(reference.kind, reference.name));
  }
  return names;
};

/**
 * Whether any pod template (of any object that holds one, owned or not, scaled to zero or batch) or
 * live Pod names the object, optional references included.
 */
export function referencedByPods(snapshot: Snapshot, kind: ReferencedKind, name: string): boolean {
  return snapshot.memo(podSpecNames).has(key(kind, name));
}

const secretsNamedElsewhere = (snapshot: Snapshot) =>
  new Set([
    ...snapshot
      .list('ServiceAccount')
      .flatMap((account) => [...(account.secrets ?? []), ...(account.imagePullSecrets ?? [])])
      .flatMap((reference) => reference.name ?? []),
    ...snapshot
      .list('Ingress')
      .flatMap((ingress) => ingress.spec?.tls ?? [])
      .flatMap((tls) => tls.secretName ?? []),
  ]);

/** Whether a ServiceAccount (`secrets`, `imagePullSecrets`) or an Ingress (`tls[].secretName`) names the Secret. */
export function secretReferencedOutsidePods(snapshot: Snapshot, name: string): boolean {
  return snapshot.memo(secretsNamedElsewhere).has(name);
}

const claimConsumers = (snapshot: Snapshot) => {
  const index = new Map<string, Stored<'Pod'>[]>();
  for (const pod of snapshot.list('Pod')) {
    for (const reference of pod.spec ? podSpecReferences(pod.spec) : []) {
      if (reference.kind !== 'PersistentVolumeClaim') continue;
      const pods = index.get(reference.name) ?? [];
      if (!pods.includes(pod)) index.set(reference.name, [...pods, pod]);
    }
  }
  return index;
};

/**
 * Live Pods that use the claim: by a `persistentVolumeClaim` volume, or as the Pod that owns it (a
 * generic ephemeral volume's claim).
 */
export function podsUsingClaim(snapshot: Snapshot, claim: Stored<'PersistentVolumeClaim'>): Stored<'Pod'>[] {
  const owners = (claim.metadata.ownerReferences ?? []).flatMap((owner) =>
    owner.kind === 'Pod' ? (snapshot.get('Pod', owner.name) ?? []) : [],
  );
  const users = snapshot.memo(claimConsumers).get(claim.metadata.name) ?? [];
  return [...new Set([...users, ...owners])];
}

// `<template>-<statefulset>` → the replica counts of the StatefulSets whose claims start so.
const statefulSetClaimBases = (snapshot: Snapshot) => {
  const index = new Map<string, number[]>();
  for (const statefulSet of snapshot.list('StatefulSet')) {
    const replicas = statefulSet.spec?.replicas ?? 1;
    for (const template of statefulSet.spec?.volumeClaimTemplates ?? []) {
      const base = `${template.metadata?.name ?? ''}-${statefulSet.metadata.name}`;
      index.set(base, [...(index.get(base) ?? []), replicas]);
    }
  }
  return index;
};

const ORDINAL = /^(0|[1-9]\d*)$/;

/**
 * A claim a StatefulSet keeps for one of its replicas: named `<template>-<statefulset>-<ordinal>`
 * after one of its claim templates, with ordinal < `spec.replicas` (a claim above that is left over
 * from a scale-down).
 */
export function isStatefulSetClaim(snapshot: Snapshot, claimName: string): boolean {
  const dash = claimName.lastIndexOf('-');
  const ordinal = claimName.slice(dash + 1);
  if (dash === -1 || !ORDINAL.test(ordinal)) return false;
  const replicas = snapshot.memo(statefulSetClaimBases).get(claimName.slice(0, dash)) ?? [];
  return replicas.some((count) => Number(ordinal) < count);
}
