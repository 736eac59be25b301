// Remediations against the real stack: the objects as the apiserver holds them, what the
// apiserver's audit log says the remediator wrote, and what the tenant database recorded.

import { readFileSync } from 'node:fs';
import { adminClient } from './kube.ts';
import { TEST_STACK_DIR } from './stack.ts';
import { databaseSecret, onTenant } from './tenant-db.ts';

export const remediator = (org: string) => `system:serviceaccount:org-${org}:guardian-remediator`;

const RESOURCES = {
  Deployment: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  CronJob: { apiVersion: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true },
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
  return adminClient().get<Stored & { apiVersion: string; kind: string }>(
    RESOURCES.Deployment,
    name,
    namespace,
  );
}

/** The patches (server-side applies) the apiserver logged of `user` as the remediator of `org` on one object. */
export function remediatorPatches(org: string, resource: string, namespace: string, name: string): number {
  return readFileSync(`${TEST_STACK_DIR}/logs/kube-audit.log`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line) as {
          verb: string;
          impersonatedUser?: { username?: string };
          objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
        },
    )
    .filter(
      (event) =>
        event.verb === 'patch' &&
        event.impersonatedUser?.username === remediator(org) &&
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
