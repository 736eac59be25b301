import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by every process on the machine, summed by command name (Linux /proc).
 * Processes in `labels` (pid → name), and their children (a Postgres server's backends), are
 * counted under that name instead.
 */
export function cpuByCommand(labels: Record<number, string> = {}): Map<string, number> {
  const processes = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return {
          pid: Number(pid),
          parent: Number(fields[1]),
          command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, // utime + stime
        };
      } catch {
        return undefined; // gone meanwhile
      }
    })
    .filter((p) => p !== undefined);
  const used = new Map<string, number>();
  for (const p of processes) {
    const name = labels[p.pid] ?? labels[p.parent] ?? p.command;
    used.set(name, (used.get(name) ?? 0) + p.seconds);
  }
  return used;
}

/** CPU seconds each command used between two readings, most first. */
export function cpuSpent(before: Map<string, number>, after: Map<string, number>): Array<[string, number]> {
  return [...after]
    .map(([command, seconds]): [string, number] => [command, seconds - (before.get(command) ?? 0)])
    .filter(([, seconds]) => seconds > 0.05)
    .sort((a, b) => b[1] - a[1]);
}
