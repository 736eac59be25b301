/**
 * Named crash points for crash-recovery tests: with GUARDIAN_FAILPOINT=<name> (or
 * <name>@<key>, to crash only while working on that key), the process dies with SIGKILL, no
 * clean-up, like a node failure, the first time it reaches that point.
 */
export function failpoint(name: string, key?: string): void {
  const wanted = process.env.GUARDIAN_FAILPOINT;
  if (!wanted) return;
  const [point, onlyFor] = wanted.split('@');
  if (point !== name || (onlyFor !== undefined && onlyFor !== key)) return;
  process.stderr.write(`failpoint ${wanted}: killing the process\n`);
  process.kill(process.pid, 'SIGKILL');
}
