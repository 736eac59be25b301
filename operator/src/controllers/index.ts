import type { Clock } from '@guardian/platform/kube/clock';
import type { KubeClient } from '@guardian/platform/kube/kube-client';
import { keyOf } from '@guardian/platform/kube/resources';
import { guardian } from '../kinds.ts';
import type { Manager } from '../runtime/manager.ts';
import { quotaPolicyReconciler } from './quotapolicy.ts';

/** Every controller of the operator, wired to the shared informers. */
export function registerControllers(manager: Manager, client: KubeClient, clock: Clock): void {
  const plans = manager.informer(guardian.quotaPolicy);
  const organizations = manager.informer(guardian.organization);
  manager.register({
    reconciler: quotaPolicyReconciler({ client, clock, plans, organizations }),
    primary: plans,
    // An organization joining or leaving a plan changes that plan's count; the queue de-duplicates.
    watches: [{ informer: organizations, map: () => plans.list().map(keyOf) }],
  });
}
