import { resolve } from 'node:path';
import { readStackEnv } from '../../scripts/stack/stack.ts';

export const TEST_STACK_DIR = resolve(import.meta.dirname, '../../.stack/test');

/** The test stack's environment (`.stack/test/env`). */
export function testStackEnv(): Record<string, string> {
  return readStackEnv(TEST_STACK_DIR);
}

/** A variable the stack must have written; a test run without it is misconfigured, not skipped. */
export function stackEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: is the test stack up? (make stack-up STACK=.stack/test)`);
  return value;
}
