import { type Case, tableOf } from '../testing/case.ts';
import { claim, deployment, job, pod, podSpec, storageClass } from '../testing/manifests.ts';

const { found, name } = tableOf('storage');
const DEFAULT = { 'storageclass.kubernetes.io/is-default-class': 'true' };
/** `storageClassName: ""`: no provisioning, whatever the cluster's default class; the claim stays Pending. */
const NO_CLASS = { storageClassName: '' };
const mounting = (claimName: string) =>
  podSpec({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] });
const scratch = (sizeLimit?: string) => podSpec({ volumes: [{ name: 'scratch', emptyDir: { sizeLimit } }] });

const missingClass = claim(name('missing-class'), { storageClassName: name('no-such-class') });
const standard = storageClass(name('standard'));
const waited = claim(name('waited'), NO_CLASS, { phase: 'Pending' });
const lost = {
  ...claim(name('lost'), { ...NO_CLASS, volumeName: name('gone') }, { phase: 'Lost' }),
  metadata: { name: name('lost'), annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
};
const unbounded = deployment(name('unbounded'), scratch());
const unboundedJob = job(name('unbounded-job'), scratch());
const firstDefault = storageClass(name('default-a'), DEFAULT);
const secondDefault = storageClass(name('default-b'), DEFAULT);

export const storageCases: readonly Case[] = [
  {
    name: 'a claim naming a StorageClass that does not exist',
    objects: [missingClass],
    expect: [found('pvc-storageclass-missing', missingClass)],
  },
  {
    name: 'a claim naming a StorageClass that exists, and one asking for none',
    objects: [
      standard,
      claim(name('has-class'), { storageClassName: standard.metadata.name }),
      claim(name('no-class'), NO_CLASS),
    ],
    expect: [],
    note: 'the StorageClass is cluster-scoped; its provisioner runs nowhere, so the claims stay Pending, unused',
  },
  {
    name: 'a claim Pending for 10 minutes that a Pod waits for',
    objects: [waited, pod(name('waiting'), mounting(waited.metadata.name))],
    expect: [found('pvc-pending', waited)],
    runtime: true,
    note: 'no PersistentVolume matches, so the claim (and the Pod) stay Pending; rows are evaluated 10 minutes after they are created (CASE_CLOCK)',
  },
  {
    name: 'a Pending claim no Pod uses',
    objects: [claim(name('unused'), NO_CLASS, { phase: 'Pending' })],
    expect: [],
    runtime: true,
    note: 'no PersistentVolume matches, so the claim stays Pending',
  },
  {
    name: 'a bound claim whose volume is gone',
    objects: [lost],
    expect: [found('pvc-lost', lost)],
    runtime: true,
    note: 'marked bound to a PersistentVolume that does not exist: the PV controller marks it Lost',
  },
  {
    name: 'emptyDir volumes without a sizeLimit, in any workload',
    objects: [unbounded, unboundedJob],
    expect: [found('emptydir-no-size-limit', unbounded), found('emptydir-no-size-limit', unboundedJob)],
  },
  {
    name: 'an emptyDir volume with a sizeLimit',
    objects: [deployment(name('bounded'), scratch('1Gi'))],
    expect: [],
  },
  {
    name: 'two default StorageClasses, and one that says it is not',
    objects: [
      firstDefault,
      secondDefault,
      storageClass(name('not-default'), { 'storageclass.kubernetes.io/is-default-class': 'false' }),
    ],
    expect: [
      found('multiple-default-storageclasses', firstDefault),
      found('multiple-default-storageclasses', secondDefault),
    ],
    note: "cluster-scoped: while they exist, claims created without a class anywhere get the newer one, and a cluster's own default class is a third finding; create them last, delete them first",
  },
];
