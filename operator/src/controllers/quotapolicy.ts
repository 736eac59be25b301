import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Informer } from '@guardian/kube/informer';
import { setConditions } from '../runtime/conditions.ts';
import type { Reconciler } from '../runtime/controller.ts';
import { writeStatus } from '../runtime/status.ts';

export function desiredPlanStatus(
  plan: QuotaPolicy,
  organizations: Organization[],
  now: Date,
): QuotaPolicy['status'] {
  const name = plan.metadata?.name;
  return {
    observedGeneration: plan.metadata?.generation,
    organizations: organizations.filter((org) => org.spec.plan === name).length,
    conditions: setConditions(
      plan.status?.conditions,
      [{ type: 'Ready', status: 'True', reason: 'Accepted', message: 'Plan is available to organizations' }],
      now,
    ),
  };
}

/** Counts the organizations on each plan; the count also shows in `kubectl get qp`. */
export function quotaPolicyReconciler(deps: {
  client: KubeClient;
  clock: Clock;
  plans: Informer<QuotaPolicy>;
  organizations: Informer<Organization>;
}): Reconciler {
  return {
    name: 'quotapolicy',
    async reconcile(key) {
      const plan = deps.plans.get(key);
      if (!plan || plan.metadata?.deletionTimestamp) return;
      const status = desiredPlanStatus(plan, deps.organizations.list(), new Date(deps.clock.now()));
      await writeStatus(deps.client, KINDS.quotaPolicy, plan, status);
      return undefined;
    },
  };
}
