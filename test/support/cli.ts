// `guardian` run as a real process, as a pipeline runs it: only the environment it is given
// (GUARDIAN_* and PATH), its exit code, stdout and stderr.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const GUARDIAN = resolve(import.meta.dirname, '../../bin/guardian.ts');
/** The GitHub Action's entry point, as action.yml names it (`runs.main`). */
export const ACTION_MAIN = resolve(import.meta.dirname, '../../integrations/github-action/main.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runGuardian(args: string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return runNode(GUARDIAN, args, env, cwd);
}

/** A Node script run with only `env` (and PATH), as a runner would start it. */
export function runNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<CliResult> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, cwd, timeout: 300_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') fail(error);
        else done({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** stdout parsed as JSON, or a failure that shows what the process said. */
export function jsonOf<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(`Not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`, { cause: error });
  }
}
