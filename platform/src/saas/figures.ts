import { isPaying, type SubscriptionHistory } from './history.ts';

/**
 * The instance's SaaS figures by calendar month (UTC), from the subscription history and today's
 * plan prices. Money is counted in cents and reported in the currency's units; organizations on
 * plans of different currencies are figured apart, one series per currency.
 */

/** A plan's monthly price, in cents of its currency. */
export interface PlanPrice {
  cents: number;
  currency: string;
}

/** Acquisition spend entered for a month, in cents of its currency. */
export interface MonthSpend {
  month: string;
  cents: number;
  currency: string;
}

export interface MrrMonth {
  month: string;
  mrr: number;
  accounts: number;
  arpa: number | null;
  new: number;
  expansion: number;
  contraction: number;
  churned: number;
  reactivation: number;
  /** MRR at the month's end from accounts paying at its start, over their MRR at its start. */
  nrr: number | null;
  new_accounts: number;
  acquisition_spend: number | null;
  /** Acquisition spend over the month's new accounts (null: no spend entered, or no new account). */
  cac: number | null;
}

export interface PlanChurnMonth {
  month: string;
  plan: string;
  accounts_at_start: number;
  churned_accounts: number;
  /** Logo churn: accounts on the plan at the month's start that stopped paying by its end. */
  logo_rate: number | null;
  mrr_at_start: number;
  mrr_lost: number;
  /** Revenue churn: MRR those accounts lost (stopped or moved to a cheaper plan), over their MRR. */
  revenue_rate: number | null;
}

export interface CurrencyFigures {
  currency: string;
  months: MrrMonth[];
  churn: PlanChurnMonth[];
}

export interface SaasFigures {
  from: string;
  to: string;
  figures: CurrencyFigures[];
  /** Plans organizations were on that have no price today (deleted, or free): counted as free. */
  unpriced_plans: string[];
}

/** `YYYY-MM` of a month, and its first instant. */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const isMonth = (value: string): boolean => MONTH.test(value);
export const monthStart = (month: string): Date => {
  const [, year, mm] = MONTH.exec(month) ?? [];
  if (!year || !mm) throw new Error(`Not a month: ${month}`);
  return new Date(Date.UTC(Number(year), Number(mm) - 1, 1));
};
export const monthOf = (instant: Date): string => instant.toISOString().slice(0, 7);
const nextMonth = (month: string): string => {
  const start = monthStart(month);
  return monthOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)));
};

/** The months from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from; month <= to; month = nextMonth(month)) months.push(month);
  return months;
}

/** Cents to currency units, exactly to the cent. */
const units = (cents: number) => Math.round(cents) / 100;
const ratio = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

/** What one organization paid a month at an instant: its plan's price, or nothing. */
function paymentAt(
  history: SubscriptionHistory,
  prices: ReadonlyMap<string, PlanPrice>,
  orgId: string,
  instant: Date,
): { plan: string; cents: number; currency: string } | undefined {
  const subscription = history.at(orgId, instant);
  if (!isPaying(subscription)) return undefined;
  const price = prices.get(subscription.plan);
  return price && price.cents > 0 ? { plan: subscription.plan, ...price } : undefined;
}

export function saasFigures(input: {
  history: SubscriptionHistory;
  prices: ReadonlyMap<string, PlanPrice>;
  spend: readonly MonthSpend[];
  from: string;
  to: string;
}): SaasFigures {
  const { history, prices, from, to } = input;
  const months = monthsBetween(from, to);
  const currencies = [
    ...new Set([...prices.values()].filter((p) => p.cents > 0).map((p) => p.currency)),
  ].sort();
  const unpriced = new Set<string>();
  for (const orgId of history.organizations) {
    for (const month of [...months, nextMonth(to)]) {
      const plan = history.at(orgId, monthStart(month))?.plan;
      if (plan && !((prices.get(plan)?.cents ?? 0) > 0)) unpriced.add(plan);
    }
  }

  const figures = currencies.map((currency): CurrencyFigures => {
    const rows: MrrMonth[] = [];
    const churn = new Map<string, PlanChurnMonth>();
    for (const month of months) {
      const start = monthStart(month);
      const end = monthStart(nextMonth(month));
      const row = {
        month,
        mrr: 0,
        accounts: 0,
        new: 0,
        expansion: 0,
        contraction: 0,
        churned: 0,
        reactivation: 0,
        new_accounts: 0,
      };
      let retainedStart = 0;
      let retainedEnd = 0;
      for (const orgId of history.organizations) {
        const inCurrency = (payment: ReturnType<typeof paymentAt>) =>
          payment?.currency === currency ? payment : undefined;
        const before = inCurrency(paymentAt(history, prices, orgId, start));
        const after = inCurrency(paymentAt(history, prices, orgId, end));
        const s = before?.cents ?? 0;
        const e = after?.cents ?? 0;
        if (after) {
          row.mrr += e;
          row.accounts += 1;
        }
        if (before) {
          retainedStart += s;
          retainedEnd += e;
          const plan = `${month}/${before.plan}`;
          const entry = churn.get(plan) ?? {
            month,
            plan: before.plan,
            accounts_at_start: 0,
            churned_accounts: 0,
            logo_rate: null,
            mrr_at_start: 0,
            mrr_lost: 0,
            revenue_rate: null,
          };
          entry.accounts_at_start += 1;
          entry.mrr_at_start += s;
          if (!after) entry.churned_accounts += 1;
          entry.mrr_lost += Math.max(0, s - e);
          churn.set(plan, entry);
        }
        if (s === 0 && e > 0) {
          if (history.paidBefore(orgId, start)) row.reactivation += e;
          else {
            row.new += e;
            row.new_accounts += 1;
          }
        } else if (s > 0 && e === 0) row.churned += s;
        else if (e > s) row.expansion += e - s;
        else if (e < s) row.contraction += s - e;
      }
      const spent = input.spend.find((spend) => spend.month === month && spend.currency === currency);
      rows.push({
        month,
        mrr: units(row.mrr),
        accounts: row.accounts,
        arpa: row.accounts === 0 ? null : units(row.mrr / row.accounts),
        new: units(row.new),
        expansion: units(row.expansion),
        contraction: units(row.contraction),
        churned: units(row.churned),
        reactivation: units(row.reactivation),
        nrr: ratio(retainedEnd, retainedStart),
        new_accounts: row.new_accounts,
        acquisition_spend: spent ? units(spent.cents) : null,
        cac: spent && row.new_accounts > 0 ? units(spent.cents / row.new_accounts) : null,
      });
    }
    return {
      currency,
      months: rows,
      churn: [...churn.values()].map((entry) => ({
        ...entry,
        logo_rate: ratio(entry.churned_accounts, entry.accounts_at_start),
        revenue_rate: ratio(entry.mrr_lost, entry.mrr_at_start),
        mrr_at_start: units(entry.mrr_at_start),
        mrr_lost: units(entry.mrr_lost),
      })),
    };
  });
  return { from, to, figures, unpriced_plans: [...unpriced].sort() };
}

/** A price's decimal text ("49.50") in cents. */
export function cents(decimal: string): number {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
