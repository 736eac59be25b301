import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureConsoleBuilt } from './console-build.ts';
import { TEST_STACK_DIR } from './stack.ts';

/**
 * Brings the test stack up, or reuses it when `make test` already did (the call is idempotent),
 * and builds the console the platform serves if this checkout's build is missing or stale.
 */
export default function setup(): void {
  const main = resolve(import.meta.dirname, '../../scripts/stack/main.ts');
  execFileSync(process.execPath, [main, 'up', '--dir', TEST_STACK_DIR, '--test'], { stdio: 'inherit' });
  ensureConsoleBuilt();
}
