/**
 * Subscription history: what each organization was paying at any instant, read from the audit
 * trail's plan and lifecycle entries. An organization pays its plan's monthly price from its start
 * until it is suspended, scheduled for deletion or deleted; resuming or cancelling the deletion
 * makes it pay again.
 */

/**
 * An audit entry that changes a subscription (see SUBSCRIPTION_ACTIONS), as subscription_entries()
 * returns it: of its detail only the plan it names (a start's plan, a change's new plan) and, for
 * the operator's start, when the organization was created.
 */
export interface SubscriptionEntry {
  orgId: string;
  at: Date;
  action: string;
  plan?: string;
  createdAt?: string;
}

/** The audit actions the history reads; every other action leaves a subscription as it was. */
export const SUBSCRIPTION_ACTIONS = [
  'subscription.started',
  'organization.created',
  'quota.changed',
  'organization.suspension.applied',
  'organization.suspension.lifted',
  'organization.deletion.scheduled',
  'organization.deletion.cancelled',
  'organization.deleted',
] as const;

/** One organization's subscription at an instant. */
export interface Subscription {
  plan: string;
  suspended: boolean;
  leaving: boolean;
  gone: boolean;
}

export const isPaying = (subscription: Subscription | undefined): subscription is Subscription =>
  subscription !== undefined && !subscription.suspended && !subscription.leaving && !subscription.gone;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * When an entry took effect. The operator's `subscription.started` says when the organization was
 * created (its entry may be written later: organizations older than the entry are backfilled).
 */
export function effectiveAt(entry: SubscriptionEntry): Date {
  const created = entry.action === 'subscription.started' ? text(entry.createdAt) : undefined;
  const at = created ? new Date(created) : entry.at;
  return Number.isNaN(at.getTime()) ? entry.at : at;
}

/** The subscription after `entry`, from the one before it (undefined: not started yet). */
export function apply(before: Subscription | undefined, entry: SubscriptionEntry): Subscription | undefined {
  if (before?.gone) return before;
  switch (entry.action) {
    case 'subscription.started':
    case 'organization.created': {
      // The first start counts: the API's entry and the operator's describe the same creation.
      if (before) return before;
      const plan = text(entry.plan);
      return plan ? { plan, suspended: false, leaving: false, gone: false } : undefined;
    }
    case 'quota.changed': {
      const plan = text(entry.plan);
      return before && plan ? { ...before, plan } : before;
    }
    case 'organization.suspension.applied':
      return before && { ...before, suspended: true };
    case 'organization.suspension.lifted':
      return before && { ...before, suspended: false };
    case 'organization.deletion.scheduled':
      return before && { ...before, leaving: true };
    case 'organization.deletion.cancelled':
      return before && { ...before, leaving: false };
    case 'organization.deleted':
      return before && { ...before, gone: true };
    default:
      return before;
  }
}

/** Each organization's subscription timeline: the entries in effect order. */
export class SubscriptionHistory {
  private readonly byOrg = new Map<string, SubscriptionEntry[]>();

  constructor(entries: readonly SubscriptionEntry[]) {
    const ordered = [...entries].sort((a, b) => effectiveAt(a).getTime() - effectiveAt(b).getTime());
    for (const entry of ordered) {
      const list = this.byOrg.get(entry.orgId) ?? [];
      list.push(entry);
      this.byOrg.set(entry.orgId, list);
    }
  }

  get organizations(): string[] {
    return [...this.byOrg.keys()].sort();
  }

  /** The organization's subscription just before `instant` (every entry effective earlier applied). */
  at(orgId: string, instant: Date): Subscription | undefined {
    let subscription: Subscription | undefined;
    for (const entry of this.byOrg.get(orgId) ?? []) {
      if (effectiveAt(entry).getTime() >= instant.getTime()) break;
      subscription = apply(subscription, entry);
    }
    return subscription;
  }

  /** Whether the organization paid at any instant before `instant`. */
  paidBefore(orgId: string, instant: Date): boolean {
    let subscription: Subscription | undefined;
    for (const entry of this.byOrg.get(orgId) ?? []) {
      if (effectiveAt(entry).getTime() >= instant.getTime()) break;
      subscription = apply(subscription, entry);
      if (isPaying(subscription)) return true;
    }
    return false;
  }
}
