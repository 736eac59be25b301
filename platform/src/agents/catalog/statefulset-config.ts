import { named } from '../kinds.ts';
import type { Agent, Check } from '../types.ts';
import { fragment } from './text.ts';

const serviceMissing: Check = {
  id: 'service-missing',
  severity: 'high',
  mode: 'spec',
  title: 'StatefulSets whose governing Service does not exist',
  target: 'StatefulSet',
  detect(statefulSet, { snapshot }) {
    const serviceName = statefulSet.spec?.serviceName;
    if (!serviceName || snapshot.get('Service', serviceName)) return undefined;
    return {
      message: `${named(statefulSet)} names Service ${serviceName}, which does not exist: its Pods get no stable DNS names.`,
      remediation: `Create the headless Service:\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${serviceName}\n${fragment('spec', ['clusterIP: None', 'selector: <the pod template labels>'])}`,
      evidence: { serviceName },
    };
  },
};

const serviceNotHeadless: Check = {
  id: 'service-not-headless',
  severity: 'medium',
  mode: 'spec',
  title: 'StatefulSets whose governing Service is not headless',
  target: 'StatefulSet',
  detect(statefulSet, { snapshot }) {
    const serviceName = statefulSet.spec?.serviceName;
    const service = serviceName ? snapshot.get('Service', serviceName) : undefined;
    if (!service || service.spec?.clusterIP === 'None') return undefined;
    return {
      message: `${named(statefulSet)} is governed by ${named(service)}, which is not headless: its Pods get no per-Pod DNS names.`,
      remediation: `Recreate the Service with clusterIP: None (the field cannot be changed in place).\n${fragment('spec', ['clusterIP: None'])}`,
      evidence: { serviceName: service.metadata.name, clusterIP: service.spec?.clusterIP ?? null },
    };
  },
};

const storageClassMissing: Check = {
  id: 'storageclass-missing',
  severity: 'medium',
  mode: 'spec',
  title: 'StatefulSets whose claim templates name a StorageClass that does not exist',
  target: 'StatefulSet',
  reads: ['storageClasses'],
  detect(statefulSet, { snapshot }) {
    const classes = new Set(
      (snapshot.storageClasses ?? []).map((storageClass) => storageClass.metadata.name),
    );
    // "" asks for no class (a pre-provisioned volume), as in storage/pvc-storageclass-missing.
    const missing = (statefulSet.spec?.volumeClaimTemplates ?? []).flatMap((template) => {
      const storageClassName = template.spec?.storageClassName;
      return storageClassName && !classes.has(storageClassName)
        ? [{ claimTemplate: template.metadata?.name ?? '', storageClassName }]
        : [];
    });
    if (missing.length === 0) return undefined;
    const names = [...new Set(missing.map((claim) => claim.storageClassName))];
    return {
      message: `${named(statefulSet)} claims volumes of StorageClasses that do not exist: ${names.join(', ')}.`,
      remediation:
        'Name an existing StorageClass in volumeClaimTemplates (kubectl get storageclass). The templates cannot be changed in place: recreate the StatefulSet (kubectl delete statefulset --cascade=orphan keeps its Pods).',
      evidence: { claimTemplates: missing },
    };
  },
};

export const statefulsetConfig: Agent = {
  id: 'statefulset-config',
  name: 'StatefulSet configuration',
  category: 'reliability',
  description: 'StatefulSets whose governing Service or StorageClasses are missing or wrong.',
  checks: [serviceMissing, serviceNotHeadless, storageClassMissing],
};
