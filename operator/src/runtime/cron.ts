/**
 * Cron schedules (five fields, UTC), as Kubernetes CronJobs and Vixie cron read them: each field
 * `*`, a number, a range `a-b`, a list `a,b`, a step `*\/n` or `a-b/n`; day of week 0 or 7 is
 * Sunday; when both day fields are restricted, a day matches if either does. The macros @hourly,
 * @daily (@midnight), @weekly, @monthly and @yearly (@annually) stand for their usual fields.
 */
export interface Cron {
  readonly source: string;
  /** The first time strictly after `after` (to the minute) that the schedule fires; undefined if never. */
  next(after: Date): Date | undefined;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

export class CronError extends Error {
  constructor(source: string, detail: string) {
    super(`"${source}" is not a cron schedule: ${detail}`);
    this.name = 'CronError';
  }
}

function parseField(source: string, text: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match)
      throw new CronError(
        source,
        `the ${field.name} field "${text}" is not *, a number, a range, a list or a step`,
      );
    const [, all, from, to, every] = match;
    const low = all === '*' ? field.min : Number(from);
    const high =
      all === '*' ? field.max : to !== undefined ? Number(to) : every !== undefined ? field.max : low;
    const step = every === undefined ? 1 : Number(every);
    if (low < field.min || high > field.max)
      throw new CronError(source, `the ${field.name} must be within ${field.min}-${field.max}`);
    if (low > high) throw new CronError(source, `the ${field.name} range ${low}-${high} is empty`);
    if (step < 1) throw new CronError(source, `the ${field.name} step must be at least 1`);
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

/** Parses a schedule; throws CronError naming what is wrong. */
export function parseCron(source: string): Cron {
  const expanded = MACROS[source.trim()] ?? source.trim();
  const texts = expanded.split(/\s+/);
  if (texts.length !== 5) throw new CronError(source, `it has ${texts.length} fields, not 5`);
  const [minutes, hours, days, months, weekdays] = FIELDS.map((field, i) =>
    parseField(source, texts[i] ?? '', field),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.has(7)) weekdays.add(0);
  const anyDay = texts[2] === '*';
  const anyWeekday = texts[4] === '*';
  const dayMatches = (date: Date) => {
    const byDate = days.has(date.getUTCDate());
    const byWeekday = weekdays.has(date.getUTCDay());
    if (anyDay && anyWeekday) return true;
    if (anyDay) return byWeekday;
    if (anyWeekday) return byDate;
    return byDate || byWeekday;
  };
  const sortedHours = [...hours].sort((a, b) => a - b);
  const sortedMinutes = [...minutes].sort((a, b) => a - b);
  return {
    source,
    next(after) {
      const start = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
      const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
      // Day by day, for long enough that any date of the calendar (a 29 February) comes round.
      for (let i = 0; i < 366 * 8; i += 1, day.setUTCDate(day.getUTCDate() + 1)) {
        if (!months.has(day.getUTCMonth() + 1) || !dayMatches(day)) continue;
        const sameDay = i === 0;
        for (const hour of sortedHours) {
          if (sameDay && hour < start.getUTCHours()) continue;
          for (const minute of sortedMinutes) {
            const at = new Date(day.getTime() + hour * 3_600_000 + minute * 60_000);
            if (at >= start) return at;
          }
        }
      }
      return undefined;
    },
  };
}
