// What tests of the steps that change workloads share: a Deployment kwok runs, waiting until a
// rollout of it finished, the Jobs of a run, the Job creations the apiserver logged, and an
// organization's WorkflowTemplate.

import { KINDS } from '@guardian/crds/kinds';
import { core, type KubeObject } from '@guardian/kube/resources';
import { adminClient, auditEvents, eventually } from './kube.ts';

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    template: {
      metadata?: { annotations?: Record<string, string> };
      spec: { containers: Array<{ name: string; image: string }> };
    };
  };
  status?: {
    updatedReplicas?: number;
    availableReplicas?: number;
    replicas?: number;
    observedGeneration?: number;
  };
}

export interface Job extends KubeObject {
  status?: {
    succeeded?: number;
    failed?: number;
    conditions?: Array<{ type: string; status: string; reason?: string }>;
  };
}

/** A one-replica Deployment with one container `server`, scheduled on kwok's fake Node. */
export function kwokDeployment(namespace: string, name: string, image: string): Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'server', image }], nodeSelector: { type: 'kwok' } },
      },
    },
  } as Deployment;
}

/** The Deployment once its rollout finished with `image`: observed, updated, available, no old pods. */
export function rolledOut(namespace: string, name: string, image: string): Promise<Deployment> {
  return eventually(
    `${name} rolled out with ${image}`,
    async () => {
      const current = await adminClient().get<Deployment>(core.deployment, name, namespace);
      const done =
        current.spec.template.spec.containers[0]?.image === image &&
        (current.status?.observedGeneration ?? 0) >= (current.metadata?.generation ?? 0) &&
        current.status?.updatedReplicas === 1 &&
        current.status?.availableReplicas === 1 &&
        current.status?.replicas === 1;
      return done ? current : undefined;
    },
    90_000,
  );
}

/** The Jobs a run's job steps created in `namespace`. */
export async function jobsOf(namespace: string, run: string): Promise<Job[]> {
  const { items } = await adminClient().list<Job>(core.job, {
    namespace,
    labelSelector: `guardian.aiops.dev/workflow-run=${run}`,
  });
  return items;
}

/** Creations of Jobs in `namespace` the apiserver accepted. */
export function jobCreations(namespace: string) {
  return auditEvents().filter(
    (event) =>
      event.verb === 'create' &&
      event.objectRef?.resource === 'jobs' &&
      event.objectRef.namespace === namespace &&
      !event.objectRef.subresource &&
      event.responseStatus?.code === 201,
  );
}

/** Patches of a Deployment by an operator (not the test's own applies). */
export function operatorPatches(namespace: string, name: string) {
  return auditEvents().filter(
    (event) =>
      event.verb === 'patch' &&
      event.objectRef?.resource === 'deployments' &&
      event.objectRef.namespace === namespace &&
      event.objectRef.name === name &&
      event.user.username.endsWith(':guardian-operator'),
  );
}

/** A WorkflowTemplate of `org`; runs name it `name` with `_` for `-`. */
export async function createTemplate(
  org: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<string> {
  await adminClient().create(KINDS.workflowTemplate, {
    apiVersion: KINDS.workflowTemplate.apiVersion,
    kind: KINDS.workflowTemplate.kind,
    metadata: { name, namespace: `org-${org}` },
    spec,
  });
  return name.replaceAll('-', '_');
}
