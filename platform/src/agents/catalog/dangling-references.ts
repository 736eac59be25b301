import { named } from '../kinds.ts';
import { workloadReferences } from '../lookups/references.ts';
import type { Reference, ReferencedKind } from '../semantics/references.ts';
import type { Agent, Check, Severity } from '../types.ts';

interface Dangling {
  id: string;
  severity: Severity;
  title: string;
  kind: ReferencedKind;
  /** Which of a pod spec's references to the kind the check reads. */
  via(reference: Reference): boolean;
  /** `Secrets`: completes "Deployment web references … that do not exist". */
  what: string;
  remediation(names: readonly string[], namespace: string): string;
}

/** References of a workload's pod template to objects that do not exist; `optional: true` ones are exempt. */
function dangling(definition: Dangling): Check {
  return {
    id: definition.id,
    severity: definition.severity,
    mode: 'spec',
    title: definition.title,
    target: 'Workload',
    detect(workload, { snapshot }) {
      const missing = workloadReferences(workload).filter(
        (reference) =>
          reference.kind === definition.kind &&
          definition.via(reference) &&
          !reference.optional &&
          snapshot.get(reference.kind, reference.name) === undefined,
      );
      if (missing.length === 0) return undefined;
      const names = [...new Set(missing.map((reference) => reference.name))];
      return {
        message: `${named(workload.object)} references ${definition.what} that do not exist: ${names.join(', ')}.`,
        remediation: definition.remediation(names, snapshot.namespace),
        evidence: { references: missing.map(({ name, at }) => ({ name, at })) },
      };
    },
  };
}

const fromPodSpec = (reference: Reference) => reference.via !== 'imagePullSecrets';

const missingSecret = dangling({
  id: 'missing-secret',
  severity: 'high',
  title: 'Pod templates referencing Secrets that do not exist',
  kind: 'Secret',
  via: fromPodSpec,
  what: 'Secrets',
  remediation: ([first], namespace) =>
    `Create the Secrets, or mark a reference optional: true if the Pod can start without it:\nkubectl -n ${namespace} create secret generic ${first} --from-literal=<key>=<value>`,
});

const missingConfigMap = dangling({
  id: 'missing-configmap',
  severity: 'high',
  title: 'Pod templates referencing ConfigMaps that do not exist',
  kind: 'ConfigMap',
  via: fromPodSpec,
  what: 'ConfigMaps',
  remediation: ([first], namespace) =>
    `Create the ConfigMaps, or mark a reference optional: true if the Pod can start without it:\nkubectl -n ${namespace} create configmap ${first} --from-literal=<key>=<value>`,
});

const missingPvc = dangling({
  id: 'missing-pvc',
  severity: 'high',
  title: 'Pod templates mounting PersistentVolumeClaims that do not exist',
  kind: 'PersistentVolumeClaim',
  via: fromPodSpec,
  what: 'PersistentVolumeClaims',
  remediation: () =>
    'Create the claims, or correct persistentVolumeClaim.claimName; until then the Pods stay Pending.',
});

const missingImagePullSecret = dangling({
  id: 'missing-image-pull-secret',
  severity: 'medium',
  title: 'Pod templates naming image pull Secrets that do not exist',
  kind: 'Secret',
  via: (reference) => reference.via === 'imagePullSecrets',
  what: 'image pull Secrets',
  remediation: ([first], namespace) =>
    `Create the registry credentials, or remove the name from imagePullSecrets:\nkubectl -n ${namespace} create secret docker-registry ${first} --docker-server=<registry> --docker-username=<user> --docker-password=<password>`,
});

export const danglingReferences: Agent = {
  id: 'dangling-references',
  name: 'Dangling references',
  category: 'deployment',
  description:
    'Pod specs referencing Secrets, ConfigMaps or claims that do not exist (optional references exempt).',
  checks: [missingSecret, missingConfigMap, missingPvc, missingImagePullSecret],
};
