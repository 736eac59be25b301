const whole = new Intl.NumberFormat('en');
const fraction = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** A count or an amount as people read it: 12,345 or 1.25. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? whole.format(value) : fraction.format(value);
}

const day = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** A billing period, e.g. "Dec 3 – Jan 3" (UTC, as the platform counts it). */
export function formatPeriod(start: string, end: string): string {
  return `${day.format(new Date(start))} – ${day.format(new Date(end))}`;
}

const moment = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** A moment, e.g. "Dec 3, 2026, 10:42 PM" (the reader's time zone). */
export function formatDateTime(iso: string): string {
  return moment.format(new Date(iso));
}

/** An amount of money in its ISO 4217 currency, e.g. "$412.00". */
export function formatMoney(currency: string, amount: number): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);
}
