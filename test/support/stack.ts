import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const TEST_STACK_DIR = resolve(import.meta.dirname, '../../.stack/test');

/** Reads the `export KEY='value'` lines the stack writes to `<stack>/env`. */
export function readStackEnv(dir = TEST_STACK_DIR): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(resolve(dir, 'env'), 'utf8').split('\n')) {
    const match = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2].replaceAll("'\\''", "'");
  }
  return env;
}

/** A variable the stack must have written; a test run without it is misconfigured, not skipped. */
export function stackEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: is the test stack up? (make stack-up STACK=.stack/test)`);
  return value;
}
