import { named } from '../kinds.ts';
import type { Agent, Check } from '../types.ts';
import { namespaceWithout } from './namespace-check.ts';

const defaultServiceAccountAutomount: Check = {
  id: 'default-sa-automount',
  severity: 'low',
  mode: 'spec',
  title: 'The ServiceAccount default mounts its token (CIS 5.1.5)',
  target: 'ServiceAccount',
  detect(account, { snapshot }) {
    if (account.metadata.name !== 'default' || account.automountServiceAccountToken === false)
      return undefined;
    return {
      message: `${named(account)} does not set automountServiceAccountToken: false, so every Pod that runs as it gets an API token.`,
      remediation: [
        'Turn off token mounting for the ServiceAccount default; workloads that call the API get a ServiceAccount of their own:',
        `kubectl -n ${snapshot.namespace} patch serviceaccount default -p '{"automountServiceAccountToken": false}'`,
      ].join('\n'),
      evidence: { automountServiceAccountToken: account.automountServiceAccountToken ?? null },
    };
  },
};

const namespaceWithoutNetworkPolicy = namespaceWithout({
  id: 'namespace-without-networkpolicy',
  severity: 'medium',
  title: 'Namespaces without any NetworkPolicy (CIS 5.3.2)',
  kind: 'NetworkPolicy',
  consequence: 'every Pod in it accepts traffic from anywhere and sends it anywhere',
  remediation: (namespace) =>
    [
      'Start from a policy that isolates every Pod of the namespace, then allow what each workload needs:',
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: default-deny',
      `  namespace: ${namespace}`,
      'spec:',
      '  podSelector: {}',
      '  policyTypes: [Ingress, Egress]',
    ].join('\n'),
});

export const cisPolicies: Agent = {
  id: 'cis-policies',
  name: 'CIS policies',
  category: 'compliance',
  description: 'Namespace-level CIS Kubernetes Benchmark §5 items that no workload check covers.',
  checks: [defaultServiceAccountAutomount, namespaceWithoutNetworkPolicy],
};
