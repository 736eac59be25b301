import type { Organization } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { MANAGED_BY, type ObjectMeta } from '@guardian/kube/resources';

/** Identifiers shared by every controller (DESIGN.md, "Identifiers"). */
export const LABEL_ORGANIZATION = 'guardian.aiops.dev/organization';
export const LABEL_ENVIRONMENT = 'guardian.aiops.dev/environment';
export const LABEL_TEAM = 'guardian.aiops.dev/team';
export const DEFAULT_ENVIRONMENTS = ['production', 'staging'];
export const AGENT_SERVICE_ACCOUNT = 'guardian-agent';
/** The identity of workflow steps that change workloads (DESIGN.md, "Agents, chat and MCP"). */
export { REMEDIATOR_SERVICE_ACCOUNT } from '@guardian/platform/workflows';
/** The `managed-by` label's value on everything the operator creates. */
export const OPERATOR = 'guardian-operator';

export const controlNamespace = (org: string) => `org-${org}`;
export const workloadNamespace = (org: string, environment: string) => `org-${org}--${environment}`;

export function environmentsOf(org: Organization): string[] {
  return org.spec.environments ?? DEFAULT_ENVIRONMENTS;
}

/** The organization a control namespace belongs to, or undefined for any other namespace. */
export function organizationOfNamespace(namespace: string): string | undefined {
  const match = /^org-([a-z0-9-]+)$/.exec(namespace);
  return match?.[1] && !match[1].includes('--') ? match[1] : undefined;
}

/** Labels on everything the operator creates; its child informers select on `managed-by`. */
export function managedLabels(org: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [MANAGED_BY]: OPERATOR, [LABEL_ORGANIZATION]: org, ...extra };
}

/** The metadata of a child of the Organization: its name and namespace, our labels, owned by it. */
export function childMetadata(org: Organization, name: string, namespace: string): ObjectMeta {
  return { name, namespace, labels: managedLabels(org.metadata?.name ?? ''), ownerReferences: ownedBy(org) };
}

/** The Organization as controlling owner: garbage collection removes the child with it. */
export function ownedBy(org: Organization) {
  return [
    {
      apiVersion: KINDS.organization.apiVersion,
      kind: KINDS.organization.kind,
      name: org.metadata?.name ?? '',
      uid: org.metadata?.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}
