import type { WorkflowTemplateStatus } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Informer } from '@guardian/kube/informer';
import { splitKey } from '@guardian/kube/resources';
import {
  checkTemplateResource,
  type TemplateCatalog,
  type TemplateResource,
  templateNameOf,
} from '@guardian/platform/workflows';
import { type DesiredCondition, setConditions } from '../runtime/conditions.ts';
import type { Reconciler } from '../runtime/controller.ts';
import { writeStatus } from '../runtime/status.ts';
import { organizationOfNamespace } from '../tenancy/names.ts';

export interface WorkflowTemplateDeps {
  client: KubeClient;
  clock: Clock;
  builtIns: TemplateCatalog;
  templates: Informer<TemplateResource>;
  /** The organizations this operator drives: another install's (or none) are left alone. */
  organizations: { get(orgId: string): unknown };
}

/**
 * Says in the status of an organization's WorkflowTemplate whether runs may name it (Ready), by the same check the
 * WorkflowRun controller and the API apply: the CRD's rules refuse most mistakes at the apiserver,
 * and this catches the rest (an agent the catalog no longer has, a name a built-in took since).
 */
export function workflowTemplateReconciler(deps: WorkflowTemplateDeps): Reconciler {
  return {
    name: 'workflowtemplate',
    async reconcile(key) {
      const resource = deps.templates.get(key);
      if (!resource || resource.metadata?.deletionTimestamp) return undefined;
      const { namespace = '', name } = splitKey(key);
      const orgId = organizationOfNamespace(namespace);
      if (orgId === undefined || !deps.organizations.get(orgId)) return undefined;
      const template = templateNameOf(name);
      const result = checkTemplateResource(resource);
      const ready: Omit<DesiredCondition, 'type'> = deps.builtIns.get(template)
        ? { status: 'False', reason: 'NameTaken', message: `${template} is a built-in template` }
        : !result.ok
          ? { status: 'False', reason: 'InvalidTemplate', message: result.message }
          : {
              status: 'True',
              reason: 'Valid',
              message: `Runs may name ${template} (${resource.spec.steps.length} steps)`,
            };
      const status: WorkflowTemplateStatus = {
        observedGeneration: resource.metadata?.generation,
        template,
        steps: resource.spec.steps.length,
        conditions: setConditions(
          resource.status?.conditions,
          [{ type: 'Ready', ...ready, observedGeneration: resource.metadata?.generation }],
          new Date(deps.clock.now()),
        ),
      };
      await writeStatus(deps.client, KINDS.workflowTemplate, resource, status);
      return undefined;
    },
  };
}
