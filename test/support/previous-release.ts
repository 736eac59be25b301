// The previous release (charts/guardian/UPGRADE_FROM), checked out beside this one for the upgrade
// test: `git worktree add` into a cache outside the repository, keyed by commit, with its
// dependencies installed by `npm ci` once. The worktree's registration is removed as soon as the
// files are out (the checkout stays, as plain files), so no test run leaves one behind.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { upgradeFrom } from '../../scripts/migration-contract.ts';
import { repo, runCommand } from './helm.ts';

/** Where checkouts are cached: GUARDIAN_UPGRADE_CACHE, else the user's cache directory. */
function cacheRoot(): string {
  return (
    process.env.GUARDIAN_UPGRADE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'guardian', 'upgrade-from')
  );
}

async function run(command: string, args: string[], cwd: string, timeoutMs = 900_000): Promise<string> {
  const result = await runCommand(command, args, { cwd, timeoutMs });
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** The previous release's checkout with its dependencies; returns its directory. */
export async function previousRelease(): Promise<{ commit: string; dir: string }> {
  const commit = upgradeFrom();
  const dir = resolve(cacheRoot(), commit);
  const ready = join(dir, '.guardian-npm-ci-done');
  if (existsSync(ready)) return { commit, dir };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cacheRoot(), { recursive: true });
  await run('git', ['worktree', 'add', '--detach', dir, commit], repo);
  try {
    await run('git', ['checkout', '--detach', commit], dir);
  } finally {
    // Unregister: the files stay, without a .git link back into this repository.
    rmSync(join(dir, '.git'), { force: true });
    await run('git', ['worktree', 'prune'], repo);
  }
  await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
  writeFileSync(ready, `${commit}\n`);
  return { commit, dir };
}
