import type { Clock } from '@guardian/kube/clock';
import type { AcquisitionSpend, RecordedSpend, SaasMetrics, SaasQuery } from '../contract/saas.ts';
import {
  cents,
  isMonth,
  monthOf,
  monthStart,
  monthsBetween,
  type PlanPrice,
  saasFigures,
} from '../saas/figures.ts';
import { SubscriptionHistory } from '../saas/history.ts';
import type { SaasStore } from '../stores/SaasStore.ts';
import { type Actor, auditActor, requireSuperAdmin } from './actor.ts';
import { ValidationError } from './errors.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';

/** The longest window the figures cover at once. */
export const MAX_MONTHS = 60;

/**
 * The instance's SaaS figures for its super admins: MRR and its movements, churn by plan, ARPA,
 * net revenue retention and acquisition cost, by calendar month (UTC). The subscription history is
 * the audit trail's plan and lifecycle entries; prices are the plans' today.
 */
export class SaasService {
  private readonly deps: { store: SaasStore; directory: OrganizationDirectory; clock: Clock };

  constructor(deps: { store: SaasStore; directory: OrganizationDirectory; clock: Clock }) {
    this.deps = deps;
  }

  async metrics(actor: Actor, query: SaasQuery): Promise<SaasMetrics> {
    requireSuperAdmin(actor, 'read the SaaS metrics');
    const to = query.to ?? monthOf(new Date(this.deps.clock.now()));
    const start = monthStart(to);
    const from =
      query.from ?? monthOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 11, 1)));
    if (from > to) throw new ValidationError([{ field: 'from', message: `is after to (${to})` }]);
    const span = monthsBetween(from, to).length;
    if (span > MAX_MONTHS) {
      throw new ValidationError([
        { field: 'from', message: `is ${span} months before to; at most ${MAX_MONTHS} at once` },
      ]);
    }
    const prices = new Map<string, PlanPrice>();
    for (const plan of this.deps.directory.allPlans()) {
      const price = plan.spec.price;
      if (price)
        prices.set(plan.metadata?.name ?? '', {
          cents: cents(price.monthly),
          currency: price.currency ?? 'USD',
        });
    }
    const figures = saasFigures({
      history: new SubscriptionHistory(await this.deps.store.subscriptionEntries()),
      prices,
      spend: await this.deps.store.spend(from, to),
      from,
      to,
    });
    return {
      from,
      to,
      mrr: figures.figures.map(({ currency, months }) => ({ currency, months })),
      churn: figures.figures.map(({ currency, churn }) => ({ currency, months: churn })),
      unpriced_plans: figures.unpriced_plans,
    };
  }

  async putSpend(actor: Actor, month: string, spend: AcquisitionSpend): Promise<RecordedSpend> {
    requireSuperAdmin(actor, 'enter acquisition spend');
    if (!isMonth(month))
      throw new ValidationError([{ field: 'month', message: 'is not a calendar month, YYYY-MM' }]);
    await this.deps.store.putSpend(
      { month, currency: spend.currency, cents: cents(spend.amount) },
      auditActor(actor),
    );
    return { month, amount: spend.amount, currency: spend.currency };
  }
}
