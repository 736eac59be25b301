import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import { type BillingPeriod, billingPeriod } from './period.ts';

/** A plan's limits; null is unlimited (an absent QuotaPolicy field). */
export interface PlanLimits {
  agentExecutionsPerMonth: number | null;
  workflowsPerMonth: number | null;
  storageGiB: number | null;
  apiCallsPerHour: number | null;
  teamMembers: number | null;
  concurrentWorkflows: number | null;
}

/** A plan that does not exist limits nothing here: the operator reports it (PlanNotFound). */
export function planLimits(plan: QuotaPolicy | undefined): PlanLimits {
  const spec = plan?.spec;
  return {
    agentExecutionsPerMonth: spec?.agentExecutionsPerMonth ?? null,
    workflowsPerMonth: spec?.workflowsPerMonth ?? null,
    storageGiB: spec?.storageGiB ?? null,
    apiCallsPerHour: spec?.apiCallsPerHour ?? null,
    teamMembers: spec?.teamMembers ?? null,
    concurrentWorkflows: spec?.concurrentWorkflows ?? null,
  };
}

/** The org's current billing period; its anchor is the Organization's creation time. */
export function currentPeriod(org: Organization, now: Date): BillingPeriod {
  const created = org.metadata?.creationTimestamp;
  return billingPeriod(created ? new Date(created) : now, now);
}

/** The `count` billing periods up to the current one, oldest first. */
export function recentPeriods(org: Organization, now: Date, count: number): BillingPeriod[] {
  const periods = [currentPeriod(org, now)];
  for (let earliest = periods[0]; earliest && periods.length < count; earliest = periods[0]) {
    periods.unshift(currentPeriod(org, new Date(earliest.start.getTime() - 1)));
  }
  return periods;
}
