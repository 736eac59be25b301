import { named, type Stored } from '../kinds.ts';
import { podsUsingClaim } from '../lookups/references.ts';
import { ageOf, MINUTE } from '../semantics/time.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Agent, Check } from '../types.ts';
import { describeCommand, fragment, nameList, podSpecFragment } from './text.ts';

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const PENDING_MINUTES = 5;

const pvcStorageClassMissing: Check = {
  id: 'pvc-storageclass-missing',
  severity: 'medium',
  mode: 'spec',
  title: 'PVCs naming a StorageClass that does not exist',
  target: 'PersistentVolumeClaim',
  reads: ['storageClasses'],
  detect(claim, { snapshot }) {
    const storageClassName = claim.spec?.storageClassName;
    // Unset takes the default class; "" asks for none (a pre-provisioned volume).
    if (
      !storageClassName ||
      (snapshot.storageClasses ?? []).some((c) => c.metadata.name === storageClassName)
    )
      return undefined;
    return {
      message: `${named(claim)} asks for StorageClass ${storageClassName}, which does not exist: no volume will be provisioned.`,
      remediation: `Recreate the claim with an existing class (kubectl get storageclass); storageClassName cannot be changed in place.\n${fragment('spec', ['storageClassName: <class>'])}`,
      evidence: { storageClassName },
    };
  },
};

const pvcPending: Check = {
  id: 'pvc-pending',
  severity: 'high',
  mode: 'runtime',
  title: `PVCs Pending for more than ${PENDING_MINUTES} minutes while a Pod waits for them`,
  target: 'PersistentVolumeClaim',
  detect(claim, { snapshot, now }) {
    if (claim.status?.phase !== 'Pending') return undefined;
    // A claim leaves Pending once bound and never returns to it: its age is how long it has waited.
    const age = ageOf(claim.metadata.creationTimestamp, now);
    const pods = podsUsingClaim(snapshot, claim);
    if (age === undefined || age <= PENDING_MINUTES * MINUTE || pods.length === 0) return undefined;
    const minutes = Math.floor(age / MINUTE);
    return {
      message: `${named(claim)} has been Pending for ${minutes} minutes, and Pods wait for it: ${nameList(pods).join(', ')}.`,
      remediation: `Its events say why no volume binds (no provisioner, no matching PersistentVolume, a topology constraint):\n${describeCommand(claim, snapshot.namespace)}`,
      evidence: {
        pendingMinutes: minutes,
        pods: nameList(pods),
        storageClassName: claim.spec?.storageClassName ?? null,
      },
    };
  },
};

const pvcLost: Check = {
  id: 'pvc-lost',
  severity: 'critical',
  mode: 'runtime',
  title: 'PVCs whose volume is lost',
  target: 'PersistentVolumeClaim',
  detect(claim, { snapshot }) {
    if (claim.status?.phase !== 'Lost') return undefined;
    const volume = claim.spec?.volumeName;
    return {
      message: `${named(claim)} has lost its PersistentVolume${volume ? ` ${volume}` : ''}: Pods using it cannot start.`,
      remediation: `Restore the PersistentVolume (from a backup or the storage system), or delete the claim and let its workload create a new one:\n${describeCommand(claim, snapshot.namespace)}`,
      evidence: { volumeName: volume ?? null },
    };
  },
};

const emptyDirNoSizeLimit: Check = {
  id: 'emptydir-no-size-limit',
  severity: 'low',
  mode: 'spec',
  title: 'emptyDir volumes without a size limit',
  target: 'Workload',
  detect(workload) {
    const unlimited = (workload.podSpec.volumes ?? []).filter(
      (volume) => volume.emptyDir && !volume.emptyDir.sizeLimit,
    );
    const [first] = unlimited;
    if (!first) return undefined;
    return {
      message: `${named(workload.object)} has emptyDir volumes without a sizeLimit: ${nameList(unlimited).join(', ')}; they may fill the node's disk.`,
      remediation: `Bound each emptyDir.\n${podSpecFragment(workload, ['volumes:', `  - name: ${first.name}`, '    emptyDir:', '      sizeLimit: 1Gi'])}`,
      evidence: { volumes: nameList(unlimited) },
    };
  },
};

const defaultClasses = (snapshot: Snapshot): readonly Stored<'StorageClass'>[] =>
  (snapshot.storageClasses ?? []).filter(
    (storageClass) => storageClass.metadata.annotations?.[DEFAULT_CLASS] === 'true',
  );

const multipleDefaultStorageClasses: Check = {
  id: 'multiple-default-storageclasses',
  severity: 'medium',
  mode: 'spec',
  title: 'More than one default StorageClass',
  target: 'StorageClass',
  reads: ['storageClasses'],
  detect(storageClass, { snapshot }) {
    const defaults = snapshot.memo(defaultClasses);
    if (defaults.length < 2 || !defaults.includes(storageClass)) return undefined;
    return {
      message: `${named(storageClass)} is one of ${defaults.length} default StorageClasses (${nameList(defaults).join(', ')}): claims without a class get the newest.`,
      remediation: `Keep one default: remove the annotation from the others.\nkubectl annotate storageclass ${storageClass.metadata.name} ${DEFAULT_CLASS}-`,
      evidence: { defaults: nameList(defaults) },
    };
  },
};

export const storage: Agent = {
  id: 'storage',
  name: 'Storage',
  category: 'reliability',
  description:
    'Claims that do not bind or lost their volume, unbounded emptyDirs, and StorageClass defaults.',
  checks: [pvcStorageClassMissing, pvcPending, pvcLost, emptyDirNoSizeLimit, multipleDefaultStorageClasses],
};
