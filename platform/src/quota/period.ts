/**
 * Billing periods. A month runs from the organization's billing anchor day (the day of the month it
 * was created, in UTC) to the same day of the next month; in months too short for the anchor (an
 * anchor of the 31st in April, the 29th in a February of a common year) the period starts on the
 * month's last day instead. Periods start at midnight UTC.
 */
export interface BillingPeriod {
  /** The first day of the period, YYYY-MM-DD: the key of its usage counters. */
  key: string;
  start: Date;
  /** The start of the next period (exclusive end). */
  end: Date;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The anchor day in month `month` (0-11, may overflow into other years) of `year`. */
function startIn(year: number, month: number, anchorDay: number): Date {
  const first = new Date(Date.UTC(year, month, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  return new Date(Date.UTC(y, m, Math.min(anchorDay, daysInMonth(y, m))));
}

export function billingPeriod(anchor: Date, now: Date): BillingPeriod {
  if (Number.isNaN(anchor.getTime()) || Number.isNaN(now.getTime())) throw new RangeError('Invalid date');
  const anchorDay = anchor.getUTCDate();
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const thisMonth = startIn(year, month, anchorDay);
  const start = now.getTime() >= thisMonth.getTime() ? thisMonth : startIn(year, month - 1, anchorDay);
  const end = startIn(start.getUTCFullYear(), start.getUTCMonth() + 1, anchorDay);
  return { key: start.toISOString().slice(0, 10), start, end };
}
