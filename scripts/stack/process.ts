import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { poll, pollUntil } from '@guardian/kube/poll';

const execFileAsync = promisify(execFile);

/** A failure of one stack step, naming the step and the log that tells why. */
export class StepError extends Error {
  readonly step: string;
  readonly log: string | undefined;

  constructor(step: string, log: string | undefined, message: string, options?: ErrorOptions) {
    super(message, options);
    this.step = step;
    this.log = log;
  }
}

export interface RunAs {
  uid: number;
  gid: number;
}

export async function run(
  command: string,
  args: string[],
  options: { user?: RunAs; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
  const { stdout } = await execFileAsync(command, args, {
    ...options.user,
    env: options.env ?? process.env,
    cwd: options.cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts a long-running process in its own process group, detached from ours, logging to `log`. */
export function startDaemon(
  command: string,
  args: string[],
  options: { log: string; user?: RunAs; env?: NodeJS.ProcessEnv; cwd?: string },
): number {
  const fd = openSync(options.log, 'a');
  try {
    const child = spawn(command, args, {
      ...options.user,
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  const exited = () => !isAlive(pid);
  if (await poll(exited, { timeoutMs, intervalMs: 50 })) return;
  process.kill(pid, 'SIGKILL');
  await poll(exited, { timeoutMs: Number.POSITIVE_INFINITY, intervalMs: 20 });
}

/** Polls `check` until it returns true; `isRunning` lets a crashed process fail fast. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; isRunning?: () => boolean },
): Promise<void> {
  const ready = async () => {
    if (await check().catch(() => false)) return true;
    if (options.isRunning && !options.isRunning()) throw new Error(`${what}: the process exited`);
    return false;
  };
  await pollUntil(what, ready, { timeoutMs: options.timeoutMs });
}
