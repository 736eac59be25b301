import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/**
 * One encryption key per stack, so every test's platform opens the signing keys of the others, and
 * operators sign the same audit chains. It lives in the folder of the stack whose environment this
 * process loaded (its CA is `<stack>/pki/ca.crt`): the test stack's, or the benchmarks' own.
 */
export function encryptionKey(): string {
  const ca = process.env.STACK_CA_FILE;
  const file = join(ca ? resolve(dirname(ca), '..') : TEST_STACK_DIR, 'platform-encryption.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}
