import { guardian } from '../kinds.ts';
import type { Clock } from '../runtime/clock.ts';
import type { KubeClient } from '../runtime/kube-client.ts';
import type { Manager } from '../runtime/manager.ts';
import { keyOf } from '../runtime/resources.ts';
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
