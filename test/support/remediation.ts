// Remediations against the real stack: the objects as the apiserver holds them, what the
// apiserver's audit log says the remediator wrote, and what the tenant database recorded.

import { remediatorUser } from '@guardian/platform/workflows';
import { adminClient, auditEvents } from './kube.ts';
import { databaseSecret, onTenant } from './tenant-db.ts';

export const DEPLOYMENTS = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
} as const;

export interface Stored {
  metadata: {
    generation?: number;
    uid?: string;
    managedFields?: Array<{ manager?: string; operation?: string }>;
  };
  spec: {
    template: {
      spec: {
        containers: Array<{ name: string; resources?: unknown; securityContext?: Record<string, unknown> }>;
      };
    };
  };
}

/** A Deployment as the apiserver holds it now. */
export function readDeployment(namespace: string, name: string): Promise<Stored> {
  return adminClient().get<Stored & { apiVersion: string; kind: string }>(DEPLOYMENTS, name, namespace);
}

/** The patches the apiserver logged of the remediator of `org` on one object (its audit log). */
export function remediatorPatches(org: string, resource: string, namespace: string, name: string): number {
  return auditEvents().filter(
    (event) =>
      event.verb === 'patch' &&
      event.impersonatedUser?.username === remediatorUser(org) &&
      event.objectRef?.resource === resource &&
      event.objectRef.namespace === namespace &&
      event.objectRef.name === name &&
      event.objectRef.subresource === undefined,
  ).length;
}

/** The tenant database's remediation records of a run. */
export async function remediationRows(org: string, workflowId: string) {
  return onTenant(
    (await databaseSecret(org)).url,
    `SELECT step, kind, name, status, reason, changes, field_manager FROM workflow_remediations
     WHERE workflow_id = '${workflowId}' ORDER BY kind, name`,
  );
}

/**
 * A remediation on record of run `workflowId` (uid `uid`), of a Deployment that is gone, as a
 * remediate step `fix` would have left it: a revert of the run answers 200 with that object refused.
 */
export async function recordGoneRemediation(org: string, workflowId: string, uid: string): Promise<void> {
  await onTenant(
    (await databaseSecret(org)).url,
    `INSERT INTO workflow_remediations (step_key, workflow_id, step, kind, namespace, name, field_manager, status, changes)
     VALUES ('${uid}/fix', '${workflowId}', 'fix', 'Deployment', 'org-${org}--production', 'gone', 'guardian-remediate/${uid}/fix', 'applied', '[]')`,
  );
}
