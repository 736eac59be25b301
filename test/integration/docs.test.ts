// The documentation's commands, run: every `helm install` and `helm upgrade` of docs/ and the
// README is rendered with `helm template` (the same chart, release and values files, the values
// taken from the page's named block) and what it renders passes a server-side dry run; every shell
// block marked `runnable` runs against the test stack, as it would against `make dev`'s. Links,
// anchors and tables: scripts/docs.test.ts.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagePaths, readPage } from '../../scripts/docs.ts';
import { helm, parseManifests, repo, runCommand } from '../support/helm.ts';
import { k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests } from '../support/operator.ts';
import { TEST_STACK_DIR } from '../support/stack.ts';

const pages = pagePaths().map(readPage);

/** Blocks named in their info string (```yaml [guardian-values.yaml]): the files a page tells you to write. */
const files = new Map(
  pages.flatMap((page) =>
    page.fences.flatMap((fence) => {
      const name = /^\[([^\]]+)\]/.exec(fence.meta)?.[1];
      return name ? [[name, fence.code] as const] : [];
    }),
  ),
);

interface HelmCommand {
  where: string;
  words: string[];
}

/** Each `helm install|upgrade` line of the pages' shell blocks, continuation lines joined. */
const helmCommands: HelmCommand[] = pages.flatMap((page) =>
  page.fences
    .filter((fence) => fence.lang === 'sh')
    .flatMap((fence) =>
      fence.code
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((line) => line.replace(/\s+#.*$/, '').trim())
        .filter((line) => /^helm (install|upgrade) /.test(line))
        .map((line) => ({ where: `${page.path}:${fence.line}`, words: line.split(/\s+/) })),
    ),
);

/**
 * `helm template` with the command's release, chart and values into `namespace`: options that act
 * on a cluster (--wait, --take-ownership, --install) have no meaning for a render and are dropped.
 */
function templateArgs(command: HelmCommand, namespace: string, dir: string): string[] {
  const [, , release = '', chart = '', ...options] = command.words;
  const args = ['template', release, join(repo, chart)];
  for (let index = 0; index < options.length; index++) {
    const option = options[index] ?? '';
    if (['--wait', '--take-ownership', '--install', '--atomic'].includes(option)) continue;
    if (option === '--namespace' || option === '-n') {
      args.push('--namespace', namespace);
      index++;
    } else if (option === '-f' || option === '--values') {
      const name = options[++index] ?? '';
      const content = files.get(name);
      if (content === undefined) throw new Error(`${command.where}: no block of the docs names ${name}`);
      const file = join(dir, name);
      writeFileSync(file, content);
      args.push('-f', file);
    } else {
      args.push(option);
    }
  }
  return args;
}

describe('the documentation’s commands', () => {
  const namespace = uniqueName('docs-helm');
  const dir = mkdtempSync(join(tmpdir(), 'guardian-docs-'));
  const core = kubeConfig().makeApiClient(k8s.CoreV1Api);
  beforeAll(async () => {
    await applyGuardianManifests();
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('finds the helm commands of the install and upgrade pages, with the values they name', () => {
    expect(helmCommands.map((command) => command.words.slice(0, 2).join(' ')).sort()).toEqual([
      'helm install',
      'helm upgrade',
    ]);
    expect(files.has('guardian-values.yaml')).toBe(true);
  });

  it('renders each helm command with helm template, and the apiserver accepts the result in a dry run', async () => {
    for (const command of helmCommands) {
      const objects = parseManifests(await helm(...templateArgs(command, namespace, dir)));
      expect(objects.length, command.where).toBeGreaterThan(20);
      // The kinds of CRDs a test cluster does not serve (Prometheus Operator, Gateway API) are left out.
      const rest = objects.filter((o) => !['ServiceMonitor', 'HTTPRoute'].includes(o.kind));
      const result = await runCommand('kubectl', ['apply', '--dry-run=server', '-f', '-'], {
        input: rest.map((o) => JSON.stringify(o)).join('\n---\n'),
      });
      expect(result.stderr.replace(/^Warning: .*\n/gm, ''), command.where).toBe('');
      expect(result.code, command.where).toBe(0);
      expect(result.stdout.trim().split('\n'), command.where).toHaveLength(rest.length);
    }
  });

  it('and would notice values the chart refuses: the same render without the Ingress host fails', async () => {
    const command = helmCommands.find((c) => c.words[1] === 'install');
    if (!command) throw new Error('no helm install in the docs');
    const args = templateArgs(command, namespace, dir);
    await helm(...args);
    const result = await runCommand('helm', [...args, '--set', 'ingress.host=']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ingress\.host/);
  });

  it('runs each shell block marked runnable against the test stack', async () => {
    const runnable = pages.flatMap((page) =>
      page.fences
        .filter((fence) => fence.lang === 'sh' && /\brunnable\b/.test(fence.meta))
        .map((fence) => ({ where: `${page.path}:${fence.line}`, code: fence.code })),
    );
    expect(runnable.length).toBeGreaterThan(0);
    // A checkout whose stack is the test stack: `.stack/env` is its env, `.tools` the repository's.
    const checkout = mkdtempSync(join(tmpdir(), 'guardian-docs-checkout-'));
    mkdirSync(join(checkout, '.stack'));
    symlinkSync(join(TEST_STACK_DIR, 'env'), join(checkout, '.stack', 'env'));
    symlinkSync(join(repo, '.tools'), join(checkout, '.tools'));
    for (const { where, code } of runnable) {
      const result = await runCommand('bash', ['-euo', 'pipefail', '-c', code], {
        cwd: checkout,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? checkout },
      });
      expect(result.stderr, where).toBe('');
      expect(result.code, where).toBe(0);
      expect(result.stdout.length, where).toBeGreaterThan(0);
    }
  });
});
