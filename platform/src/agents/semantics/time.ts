export const MINUTE = 60_000;

/**
 * A timestamp in ms since the epoch. The API serves RFC 3339 strings (MicroTime with microseconds),
 * and null for an unset one (an Event's eventTime, written by old-style recorders); client-node's
 * models type them as Date: all are read. undefined when absent or unreadable.
 */
export function timeOf(value: Date | string | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const time = typeof value === 'string' ? Date.parse(value) : value.getTime();
  return Number.isNaN(time) ? undefined : time;
}

/** How long ago `value` was at the run's clock, in ms; undefined when the time is unknown. */
export function ageOf(value: Date | string | null | undefined, now: number): number | undefined {
  const time = timeOf(value);
  return time === undefined ? undefined : now - time;
}
