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
