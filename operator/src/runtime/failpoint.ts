/**
 * Named crash points for crash-recovery tests: with GUARDIAN_FAILPOINT=<name>, the process dies
 * (SIGKILL, no clean-up, like a node failure) the first time it reaches that point.
 */
export function failpoint(name: string): void {
  if (process.env.GUARDIAN_FAILPOINT === name) {
    process.stderr.write(`failpoint ${name}: killing the process\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
