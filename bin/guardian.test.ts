import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const guardian = resolve(import.meta.dirname, 'guardian.ts');
const hook = resolve(import.meta.dirname, '../test/support/loaded-packages.ts');
const dir = mkdtempSync(join(tmpdir(), 'guardian-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The third-party packages `guardian <args>` loads (`--help` loads a command without running it). */
async function packagesLoadedBy(...args: string[]): Promise<string[]> {
  const file = join(dir, `${args.join('-')}.txt`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', hook, guardian, ...args], {
    env: { ...process.env, LOADED_PACKAGES_FILE: file },
  });
  expect(stdout).toContain('Usage: guardian');
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

// The platform's HTTP stack: what an operator's process has no use for.
const HTTP_STACK = ['koa', '@koa/router', 'jose', 'openid-client', 'nodemailer', 'ioredis'];

describe('guardian', () => {
  it('loads a command only when it runs: the operator without the HTTP stack the platform loads', async () => {
    const operator = await packagesLoadedBy('operator', '--help');
    expect(operator).toContain('prom-client');
    for (const name of HTTP_STACK) expect(operator, name).not.toContain(name);
    // The control: the same hook sees the platform load all of it.
    const platform = await packagesLoadedBy('platform', '--help');
    for (const name of HTTP_STACK) expect(platform, name).toContain(name);
    // The API's client commands: commander, and nothing of the platform's HTTP stack.
    const scan = await packagesLoadedBy('scan', '--help');
    expect(scan).toContain('commander');
    for (const name of HTTP_STACK) expect(scan, name).not.toContain(name);
    // And the command list alone loads no command.
    expect(await packagesLoadedBy('--help')).toEqual([]);
    // Three Node processes: slow on a loaded machine, never a measure of anything.
  }, 60_000);
});
