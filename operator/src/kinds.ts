import type { Resource } from '@guardian/platform/kube/resources';

const apiVersion = 'guardian.aiops.dev/v1alpha1';

/** Guardian's own kinds (crds/ holds their schemas). */
export const guardian = {
  quotaPolicy: { apiVersion, kind: 'QuotaPolicy', plural: 'quotapolicies', namespaced: false },
  organization: { apiVersion, kind: 'Organization', plural: 'organizations', namespaced: false },
  team: { apiVersion, kind: 'Team', plural: 'teams', namespaced: true },
  workflowRun: { apiVersion, kind: 'WorkflowRun', plural: 'workflowruns', namespaced: true },
} as const satisfies Record<string, Resource>;
