import type { Resource } from '@guardian/kube/resources';

export const GROUP = 'guardian.aiops.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/** A kind this package defines: where the apiserver serves it, and the names its CRD gives it. */
export interface Kind extends Resource {
  group: typeof GROUP;
  version: typeof VERSION;
  apiVersion: typeof API_VERSION;
  listKind: string;
  singular: string;
  shortName: string;
}

const served = { group: GROUP, version: VERSION, apiVersion: API_VERSION } as const;

/**
 * Guardian's kinds, the one table of them: the CRD files are checked against it, and the
 * installer, the operator, the platform and the tests address the kinds through it.
 */
export const KINDS = {
  quotaPolicy: {
    ...served,
    kind: 'QuotaPolicy',
    listKind: 'QuotaPolicyList',
    plural: 'quotapolicies',
    singular: 'quotapolicy',
    shortName: 'qp',
    namespaced: false,
  },
  organization: {
    ...served,
    kind: 'Organization',
    listKind: 'OrganizationList',
    plural: 'organizations',
    singular: 'organization',
    shortName: 'org',
    namespaced: false,
  },
  team: {
    ...served,
    kind: 'Team',
    listKind: 'TeamList',
    plural: 'teams',
    singular: 'team',
    shortName: 'team',
    namespaced: true,
  },
  workflowRun: {
    ...served,
    kind: 'WorkflowRun',
    listKind: 'WorkflowRunList',
    plural: 'workflowruns',
    singular: 'workflowrun',
    shortName: 'wfr',
    namespaced: true,
  },
  workflowTemplate: {
    ...served,
    kind: 'WorkflowTemplate',
    listKind: 'WorkflowTemplateList',
    plural: 'workflowtemplates',
    singular: 'workflowtemplate',
    shortName: 'wft',
    namespaced: true,
  },
  workflowApproval: {
    ...served,
    kind: 'WorkflowApproval',
    listKind: 'WorkflowApprovalList',
    plural: 'workflowapprovals',
    singular: 'workflowapproval',
    shortName: 'wfa',
    namespaced: true,
  },
} as const satisfies Record<string, Kind>;

export type KindName = keyof typeof KINDS;

/** The CustomResourceDefinition name of a kind, `<plural>.<group>`. */
export function crdName(kind: Kind): string {
  return `${kind.plural}.${kind.group}`;
}

/** The file of this package that holds a kind's CRD, `<plural>.yaml`. */
export function crdFile(kind: Kind): string {
  return `${kind.plural}.yaml`;
}
