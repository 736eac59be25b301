import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, isAlive, portIsFree, type RunAs, startDaemon, stopPid } from './process.ts';

interface State {
  ports: Record<string, number>;
  secrets: Record<string, string>;
}

/**
 * One stack folder (`.stack/` for development, `.stack/test/` for the tests): data, logs, PIDs,
 * ports and generated credentials. Credentials persist with the data they protect; ports are
 * kept while free so URLs stay stable across restarts.
 */
export class Stack {
  readonly dir: string;
  readonly forTests: boolean;
  private readonly state: State;
  /** PIDs this invocation started, stopped again if a later step fails. */
  readonly started: string[] = [];

  constructor(dir: string, forTests: boolean) {
    this.dir = resolve(dir);
    this.forTests = forTests;
    for (const sub of ['logs', 'run']) mkdirSync(join(this.dir, sub), { recursive: true });
    const file = join(this.dir, 'state.json');
    this.state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { ports: {}, secrets: {} };
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  log(name: string): string {
    return this.path('logs', `${name}.log`);
  }

  secret(name: string): string {
    this.state.secrets[name] ??= randomBytes(18).toString('base64url');
    this.save();
    return this.state.secrets[name];
  }

  /** The port a component listens on: its recorded one while it runs or while free, else a new one. */
  async port(name: string, running: boolean): Promise<number> {
    const recorded = this.state.ports[name];
    if (recorded !== undefined && (running || (await portIsFree(recorded)))) return recorded;
    const port = await freePort();
    this.state.ports[name] = port;
    this.save();
    return port;
  }

  pid(name: string): number | undefined {
    const file = this.path('run', `${name}.pid`);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  }

  isRunning(name: string): boolean {
    return this.pid(name) !== undefined;
  }

  start(
    name: string,
    command: string,
    args: string[],
    options: { user?: RunAs; env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ): number {
    const pid = startDaemon(command, args, { ...options, log: this.log(name) });
    writeFileSync(this.path('run', `${name}.pid`), String(pid));
    this.started.push(name);
    return pid;
  }

  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const pid = this.pid(name);
    if (pid !== undefined) await stopPid(pid, signal);
    rmSync(this.path('run', `${name}.pid`), { force: true });
  }

  recorded(): string[] {
    return readdirSync(this.path('run'))
      .filter((file) => file.endsWith('.pid'))
      .map((file) => file.slice(0, -'.pid'.length));
  }

  writeEnv(env: Record<string, string>): void {
    const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
    const lines = Object.entries(env).map(([key, value]) => `export ${key}=${quote(value)}`);
    writeFileSync(this.path('env'), `${lines.join('\n')}\n`, { mode: 0o600 });
  }

  private save(): void {
    writeFileSync(this.path('state.json'), JSON.stringify(this.state, null, 2), { mode: 0o600 });
  }
}

/** Reads the `export KEY='value'` lines `Stack.writeEnv` wrote to `<dir>/env`. */
export function readStackEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'env'), 'utf8').split('\n')) {
    const match = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2].replaceAll("'\\''", "'");
  }
  return env;
}
