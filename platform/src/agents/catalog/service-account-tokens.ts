import { named } from '../kinds.ts';
import { serviceAccountName, serviceAccountOf } from '../lookups/service-accounts.ts';
import type { Agent, Check } from '../types.ts';
import { podSpecFragment } from './text.ts';

const automountEnabled: Check = {
  id: 'automount-enabled',
  severity: 'medium',
  mode: 'spec',
  title: 'Pods that mount an API token',
  target: 'Workload',
  detect(workload, { snapshot }) {
    const pod = workload.podSpec.automountServiceAccountToken;
    const account = serviceAccountOf(snapshot, workload.podSpec);
    const accountSetting = account?.automountServiceAccountToken;
    // The pod field wins either way; unset, the ServiceAccount decides, and it mounts unless it says false.
    if (pod === false || (pod === undefined && accountSetting === false)) return undefined;
    const name = serviceAccountName(workload.podSpec);
    const why =
      pod === true
        ? 'automountServiceAccountToken: true'
        : `ServiceAccount ${name} ${account ? 'does not set automountServiceAccountToken: false' : 'does not exist'}`;
    return {
      message: `${named(workload.object)} mounts an API token of ServiceAccount ${name} into its Pods (${why}).`,
      remediation: [
        'Set automountServiceAccountToken: false on the pod, unless the process calls the Kubernetes API; then give it a ServiceAccount of its own with only the Roles it needs.',
        podSpecFragment(workload, ['automountServiceAccountToken: false']),
      ].join('\n'),
      evidence: {
        serviceAccount: name,
        podAutomount: pod ?? null,
        serviceAccountAutomount: accountSetting ?? null,
      },
    };
  },
};

const defaultServiceAccount: Check = {
  id: 'default-service-account',
  severity: 'low',
  mode: 'spec',
  title: 'Pods that run as the ServiceAccount default',
  target: 'Workload',
  detect(workload) {
    if (serviceAccountName(workload.podSpec) !== 'default') return undefined;
    return {
      message: `${named(workload.object)} runs as the namespace's ServiceAccount default, which every other workload shares.`,
      remediation: [
        'Give the workload a ServiceAccount of its own, so that what it is granted is granted to it alone.',
        podSpecFragment(workload, [`serviceAccountName: ${workload.object.metadata.name}`]),
      ].join('\n'),
      evidence: { serviceAccount: 'default' },
    };
  },
};

const missingServiceAccount: Check = {
  id: 'missing-service-account',
  severity: 'high',
  mode: 'spec',
  title: 'Pods that name a ServiceAccount that does not exist',
  target: 'Workload',
  detect(workload, { snapshot }) {
    if (serviceAccountOf(snapshot, workload.podSpec)) return undefined;
    const name = serviceAccountName(workload.podSpec);
    return {
      message: `${named(workload.object)} runs as ServiceAccount ${name}, which does not exist: the API rejects its Pods.`,
      remediation: `Create the ServiceAccount, or name one that exists:\nkubectl -n ${snapshot.namespace} create serviceaccount ${name}`,
      evidence: { serviceAccount: name },
    };
  },
};

export const serviceAccountTokens: Agent = {
  id: 'service-account-tokens',
  name: 'Service account tokens',
  category: 'security',
  description: 'Which identity Pods run as, and whether its API token is mounted.',
  checks: [automountEnabled, defaultServiceAccount, missingServiceAccount],
};
