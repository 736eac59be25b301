import type { V1PersistentVolumeClaimTemplate } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { podSpec, service, statefulSet, storageClass } from '../testing/manifests.ts';

const { found, name } = tableOf('statefulset-config');
const headless = (row: string) => service(name(`${row}-svc`), { app: name(row) }, { clusterIP: 'None' });
const claim = (storageClassName?: string, template = 'data'): V1PersistentVolumeClaimTemplate => ({
  metadata: { name: template },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: '1Gi' } } },
});
/** A StatefulSet governed by the row's Service (`<row>-svc`), claiming with these templates. */
const stateful = (row: string, volumeClaimTemplates?: V1PersistentVolumeClaimTemplate[]) =>
  statefulSet(name(row), podSpec(), { spec: { serviceName: name(`${row}-svc`), volumeClaimTemplates } });

const noService = stateful('no-service');
const clusterIp = stateful('cluster-ip');
const noClass = stateful('no-class', [claim(name('missing-class'))]);
const fast = storageClass(name('fast'));
const CLAIMS_NOTE = 'its Pods stay Pending (no provisioner serves the class), which no check here reads';

export const statefulsetConfigCases: readonly Case[] = [
  {
    name: 'a governing Service that does not exist',
    objects: [noService],
    expect: [found('service-missing', noService)],
  },
  { name: 'a headless governing Service', objects: [stateful('headless'), headless('headless')], expect: [] },
  {
    name: 'a governing Service with a cluster IP',
    objects: [clusterIp, service(name('cluster-ip-svc'), { app: name('cluster-ip') })],
    expect: [found('service-not-headless', clusterIp)],
  },
  {
    name: 'a claim template naming a StorageClass that does not exist',
    objects: [noClass, headless('no-class')],
    expect: [found('storageclass-missing', noClass)],
    note: "StorageClasses are the cluster's: no cluster may have one of this name",
  },
  {
    name: 'a claim template naming a StorageClass that exists',
    objects: [fast, stateful('has-class', [claim(fast.metadata.name)]), headless('has-class')],
    expect: [],
    note: `${CLAIMS_NOTE}; the StorageClass is cluster-scoped`,
  },
  {
    name: 'claim templates without a class, or with "" (no class)',
    objects: [stateful('default-class', [claim(), claim('', 'scratch')]), headless('default-class')],
    expect: [],
    note: 'admission gives the claims of the template without a class the cluster default class, if any; the template is stored as written',
  },
];
