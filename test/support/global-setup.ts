import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureConsoleBuilt } from './console-build.ts';
import { TEST_STACK_DIR, testStackEnv } from './stack.ts';

/**
 * Brings the test stack up, or reuses it when `make test` already did (the call is idempotent),
 * builds the console the platform serves if this checkout's build is missing or stale, installs
 * the CRDs (a fresh stack has none), and deletes the organizations runs that were interrupted
 * left behind (see leftovers.ts).
 */
export default async function setup(): Promise<() => void> {
  const main = resolve(import.meta.dirname, '../../scripts/stack/main.ts');
  execFileSync(process.execPath, [main, 'up', '--dir', TEST_STACK_DIR, '--test'], { stdio: 'inherit' });
  ensureConsoleBuilt();
  // The helpers read the stack's KUBECONFIG when they load.
  Object.assign(process.env, testStackEnv());
  const { applyGuardianManifests } = await import('./operator.ts');
  await applyGuardianManifests();
  const { registerRun, sweepLeftovers } = await import('./leftovers.ts');
  const run = registerRun();
  const swept = await sweepLeftovers(run.since);
  if (swept.length > 0)
    console.log(`[test] deleted organizations interrupted runs left: ${swept.join(', ')}`);
  return run.release;
}
