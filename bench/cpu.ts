import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by every process on the machine, summed by command name (Linux /proc). */
export function cpuByCommand(): Map<string, number> {
  const used = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    used.set(command, (used.get(command) ?? 0) + ticks / TICKS_PER_SECOND);
  }
  return used;
}

/** The commands that used the most CPU between two readings, as "name 12.3 s" strings. */
export function cpuSpent(before: Map<string, number>, after: Map<string, number>, top = 6): string[] {
  return [...after]
    .map(([command, seconds]) => [command, seconds - (before.get(command) ?? 0)] as const)
    .filter(([, seconds]) => seconds > 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([command, seconds]) => `${command} ${seconds.toFixed(1)} s`);
}
