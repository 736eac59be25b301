// The container image without a Docker engine: each stage of the Dockerfile is replayed into a
// temporary directory (its COPYs through .dockerignore's rules or from an earlier stage, its RUNs:
// `npm ci --omit=dev` and the console's build against the npm registry), and the last one runs
// every role as the image's ENTRYPOINT would: `--help` of each command, `migrate` against the test
// stack's database, and the platform up to /readyz with the console it serves. What the image
// lacks (a dev-only package, a file under scripts/) fails here.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, matchesGlob, posix, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/process.ts';
import { repo, runCommand } from '../support/helm.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import { deleteNamespace, platformEnv, platformKubeconfig } from '../support/platform.ts';
import { stackEnv } from '../support/stack.ts';

interface Stage {
  from: string;
  name?: string;
  /** Its COPYs in order: from the build context, or (`from`) what it takes of another stage. */
  copies: Array<{ sources: string[]; dest: string; from?: string }>;
  runs: string[];
}

interface Dockerfile {
  /** Build arguments with their defaults. */
  args: Record<string, string>;
  stages: Stage[];
  user?: string;
  entrypoint: string[];
}

function parseDockerfile(text: string): Dockerfile {
  const args: Record<string, string> = {};
  const result: Dockerfile = { args, stages: [], entrypoint: [] };
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [instruction = '', ...rest] = line.split(/\s+/);
    const operands = rest.map((word) => word.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''));
    const stage = result.stages.at(-1);
    switch (instruction.toUpperCase()) {
      case 'ARG': {
        const [name = '', value] = (operands[0] ?? '').split('=');
        // `ARG NAME` in a stage brings the global default into it; it does not clear it.
        if (value !== undefined || !(name in args)) args[name] = value ?? '';
        break;
      }
      case 'FROM':
        result.stages.push({ from: operands[0] ?? '', name: operands[2], copies: [], runs: [] });
        break;
      case 'COPY': {
        const from = operands.find((word) => word.startsWith('--from='))?.slice('--from='.length);
        const paths = operands.filter((word) => !word.startsWith('--'));
        stage?.copies.push({
          sources: paths.slice(0, -1),
          dest: paths.at(-1) ?? '',
          ...(from ? { from } : {}),
        });
        break;
      }
      case 'RUN':
        stage?.runs.push(rest.join(' '));
        break;
      case 'USER':
        result.user = operands[0];
        break;
      case 'ENTRYPOINT':
        result.entrypoint = JSON.parse(rest.join(' ')) as string[];
        break;
    }
  }
  return result;
}

/** .dockerignore as Docker applies it: the last matching pattern wins; a match on a parent counts. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      return { include, pattern: posix.normalize(include ? line.slice(1) : line).replace(/\/$/, '') };
    });
  return (path) => {
    const prefixes = path.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
    let ignored = false;
    for (const { include, pattern } of rules)
      if (prefixes.some((prefix) => matchesGlob(prefix, pattern))) ignored = !include;
    return ignored;
  };
}

/** Copies `source` (a file or directory of the build context) to `target`, leaving ignored paths out. */
function copyContext(source: string, target: string, ignored: (path: string) => boolean): void {
  if (ignored(source)) return;
  const from = resolve(repo, source);
  if (statSync(from).isDirectory()) {
    for (const entry of readdirSync(from))
      copyContext(posix.join(source, entry), join(target, entry), ignored);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    cpSync(from, target);
  }
}

// The npm workspaces the image holds: everything Guardian runs.
const WORKSPACES = ['crds', 'kube', 'operator', 'platform'];

describe('the container image (Dockerfile replayed without a Docker engine)', () => {
  const dockerfile = parseDockerfile(readFileSync(resolve(repo, 'Dockerfile'), 'utf8'));
  const ignored = dockerignore(readFileSync(resolve(repo, '.dockerignore'), 'utf8'));
  const app = mkdtempSync(join(tmpdir(), 'guardian-image-'));
  const guardian = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const [node, ...entry] = dockerfile.entrypoint;
    expect(node).toBe('node');
    return runCommand(process.execPath, [...entry, ...args], {
      cwd: app,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env },
      timeoutMs: 60_000,
    });
  };

  const scratch: string[] = [];
  /** Runs a stage's RUN as Docker would, in `dir`, with an empty npm cache of its own. */
  async function run(command: string, dir: string): Promise<void> {
    const cache = mkdtempSync(join(tmpdir(), 'guardian-npm-cache-'));
    scratch.push(cache);
    const result = await runCommand('bash', ['-c', command], {
      cwd: dir,
      env: { ...process.env, npm_config_cache: cache },
      timeoutMs: 600_000,
    });
    if (result.code !== 0) throw new Error(`${command} failed:\n${result.stderr}`);
  }

  beforeAll(async () => {
    // Every stage in a directory of its own, in order: its COPYs (from the build context through
    // .dockerignore, or from an earlier stage), then its RUNs. The last stage is the image.
    const built = new Map<string, string>();
    for (const [index, stage] of dockerfile.stages.entries()) {
      const last = index === dockerfile.stages.length - 1;
      const dir = last ? app : mkdtempSync(join(tmpdir(), `guardian-stage-${stage.name}-`));
      if (!last) scratch.push(dir);
      for (const { sources, dest, from } of stage.copies) {
        for (const source of sources) {
          if (from !== undefined) {
            const earlier = built.get(from);
            if (!earlier) throw new Error(`COPY --from=${from}: no such earlier stage`);
            // As Docker copies: symlinks (npm's workspace links) stay as they are.
            cpSync(join(earlier, posix.relative('/app', source)), join(dir, dest), {
              recursive: true,
              verbatimSymlinks: true,
            });
            continue;
          }
          // Docker's rules: a directory's contents go into dest; a file goes into dest/ or becomes dest.
          const directory = statSync(resolve(repo, source)).isDirectory();
          const target =
            directory || !dest.endsWith('/') ? join(dir, dest) : join(dir, dest, posix.basename(source));
          copyContext(source, target, ignored);
        }
      }
      // Debian packages (the PostgreSQL client tools) are the base system's, not the app folder's:
      // the test of the client tools checks that RUN; this machine has the same package.
      for (const command of stage.runs) if (!command.includes('apt-get')) await run(command, dir);
      if (stage.name) built.set(stage.name, dir);
    }
  }, 900_000);
  afterAll(() => {
    for (const dir of [app, ...scratch]) rmSync(dir, { recursive: true, force: true });
  });

  it('is node:24 on Debian bookworm (slim), multi-stage, runs as a numeric non-root user, one ENTRYPOINT for every role', () => {
    const base = 'node:24-bookworm-slim';
    expect(dockerfile.stages.map((s) => s.from)).toEqual([base, base, base]);
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['deps', 'console', undefined]);
    expect(dockerfile.user).toBe('1000:1000');
    expect(dockerfile.entrypoint).toEqual(['node', 'bin/guardian.ts']);
    expect(dockerfile.stages[0]?.runs.join('\n')).toContain('npm ci --omit=dev');
    // The image takes the production install and the built console, nothing else of the stages.
    expect(dockerfile.stages.at(-1)?.copies.filter((copy) => copy.from)).toEqual([
      { sources: ['/app'], dest: './', from: 'deps' },
      { sources: ['/app/web/dist'], dest: 'web/dist/', from: 'console' },
    ]);
  });

  it('installs the PostgreSQL client tools of the servers’ major version, for backups and restores', async () => {
    const client = new pg.Client({ connectionString: stackEnv('DATABASE_ADMIN_URL') });
    await client.connect();
    const { rows } = await client.query<{ server_version_num: string }>('show server_version_num');
    await client.end();
    const major = Math.floor(Number(rows[0]?.server_version_num) / 10_000);
    const packageName = `postgresql-client-${major}`;
    expect(dockerfile.args.POSTGRES_CLIENT).toBe(packageName);
    // The base image's Debian release ships that major version.
    const release = /node:\d+-(\w+)-slim/.exec(dockerfile.args.NODE_IMAGE ?? '')?.[1] ?? '';
    expect({ bookworm: 15, trixie: 17 }[release], `Debian ${release}`).toBe(major);
    const install = dockerfile.stages.at(-1)?.runs.find((run) => run.includes('apt-get install'));
    expect(install).toMatch(/--no-install-recommends \$\{POSTGRES_CLIENT\}/);
    expect(install).toContain('rm -rf /var/lib/apt/lists/*');
    // The package holds every tool Guardian runs (this machine's Debian has the same package).
    const files = await runCommand('dpkg', ['-L', packageName], { timeoutMs: 10_000 });
    for (const tool of ['pg_dump', 'pg_restore', 'psql'])
      expect(files.stdout, tool).toMatch(new RegExp(`/bin/${tool}$`, 'm'));
    // And the code runs exactly these.
    const pgSource = readFileSync(resolve(repo, 'platform/src/backup/pg.ts'), 'utf8');
    for (const tool of ['pg_dump', 'pg_restore', 'psql']) expect(pgSource).toContain(`'${tool}'`);
  });

  it('holds the sources and production dependencies only: no tests, scripts, identity provider or dev tools', () => {
    expect(readdirSync(app).sort()).toEqual(
      [...WORKSPACES, 'bin', 'node_modules', 'package-lock.json', 'package.json', 'web'].sort(),
    );
    // Of the console, its built files only: no sources, no Vite configuration.
    expect(readdirSync(join(app, 'web')).sort()).toEqual(['dist', 'package.json']);
    expect(existsSync(join(app, 'web', 'dist', 'index.html'))).toBe(true);
    expect(existsSync(join(app, 'scripts'))).toBe(false);
    expect(existsSync(join(app, 'test'))).toBe(false);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
    const sources = ['bin', ...WORKSPACES].flatMap((dir) =>
      files(join(app, dir)).filter((file) => !file.includes('/node_modules/')),
    );
    expect(sources.filter((file) => file.endsWith('.test.ts'))).toEqual([]);
    expect(sources.some((file) => file.endsWith('operator/rbac/operator-rbac.yaml'))).toBe(true);
    // Dev dependencies of the root package: the dev identity provider's library, the test tools,
    // and client-node (the tests' and `make dev`'s Kubernetes client; Guardian runs on its own).
    for (const devOnly of [
      'oidc-provider',
      'vitest',
      'typescript',
      '@biomejs/biome',
      '@kubernetes/client-node',
      // The console's packages are bundled into web/dist at build time.
      'vite',
      'react',
      '@tanstack/react-router',
      'openapi-fetch',
    ])
      expect(existsSync(join(app, 'node_modules', devOnly)), devOnly).toBe(false);
    // The positive control: production dependencies are there.
    for (const runtime of ['koa', 'knex', 'pg', 'zod', '@guardian/kube', '@guardian/platform'])
      expect(existsSync(join(app, 'node_modules', runtime)), runtime).toBe(true);
  });

  it('imports every entry point of every workspace from the production install', async () => {
    const entries = WORKSPACES.flatMap((workspace) => {
      const manifest = JSON.parse(readFileSync(join(app, workspace, 'package.json'), 'utf8')) as {
        name: string;
        exports: Record<string, string>;
      };
      return Object.keys(manifest.exports).map((subpath) => posix.join(manifest.name, subpath));
    });
    expect(entries).toContain('@guardian/operator/main');
    expect(entries).toContain('@guardian/kube/client');
    const script = `
      const failed = [];
      for (const entry of ${JSON.stringify(entries)}) {
        try { await import(entry); } catch (error) { failed.push(entry + ': ' + error.message); }
      }
      console.log(JSON.stringify(failed));`;
    const result = await runCommand(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      timeoutMs: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
    // The negative control: an import of what the image lacks fails in the same way.
    const missing = await runCommand(
      process.execPath,
      ['--input-type=module', '-e', "await import('@kubernetes/client-node')"],
      { cwd: app, env: { PATH: process.env.PATH }, timeoutMs: 60_000 },
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ERR_MODULE_NOT_FOUND');
  });

  it('runs every command: guardian --help, operator --help, platform --help', async () => {
    const top = await guardian(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['operator', 'platform', 'migrate']) expect(top.stdout).toContain(`  ${command}`);
    const operator = await guardian(['operator', '--help']);
    expect(operator).toMatchObject({ code: 0 });
    expect(operator.stdout).toContain('Usage: guardian operator');
    const platform = await guardian(['platform', '--help']);
    expect(platform).toMatchObject({ code: 0 });
    expect(platform.stdout).toContain('Usage: guardian platform');
    // The API's client commands (commander, a production dependency) run from the image too.
    const scan = await guardian(['scan', '--help']);
    expect(scan).toMatchObject({ code: 0 });
    expect(scan.stdout).toContain('Usage: guardian scan');
    expect((await guardian(['scan'])).code).toBe(2);
    // An unknown command fails: --help above is not an exit-0-for-anything.
    expect((await guardian(['no-such-command'])).code).toBe(2);
  });

  it('migrates the platform database, as the chart’s init container does', async () => {
    const env = {
      DATABASE_URL: stackEnv('DATABASE_URL'),
      DATABASE_ADMIN_URL: stackEnv('DATABASE_ADMIN_URL'),
    };
    const result = await guardian(['migrate'], env);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/Already up to date|Applied /);
  });

  it('serves the platform API up to /readyz, and the console it built, from the production install', async () => {
    const namespace = uniqueName('e2e-image');
    const kubeconfig = await platformKubeconfig(namespace);
    const port = await freePort();
    const [, ...entry] = dockerfile.entrypoint;
    const child = spawn(process.execPath, [...entry, 'platform'], {
      cwd: app,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', ...platformEnv(port, kubeconfig) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => logs.push(String(chunk)));
    try {
      const ready = await eventually(
        'the platform from the image to be ready',
        async () => {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${logs.join('')}`);
          const response = await fetch(`http://127.0.0.1:${port}/readyz`);
          return response.status === 200 ? response.json() : undefined;
        },
        30_000,
      );
      expect(ready).toMatchObject({ status: 'ok' });
      const console = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } });
      expect(console.status).toBe(200);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(await console.text())?.[1];
      const asset = await fetch(`http://127.0.0.1:${port}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // The API reference's renderer came with the console's build, not with Scalar's packages.
      const docs = await fetch(`http://127.0.0.1:${port}/docs`);
      expect(docs.status).toBe(200);
      const renderer = /src="(\/docs\/scalar\.js\?v=[^"]+)"/.exec(await docs.text())?.[1];
      const bundle = await fetch(`http://127.0.0.1:${port}${renderer}`);
      expect(bundle.status).toBe(200);
      expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
      expect(existsSync(join(app, 'node_modules', '@scalar'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await new Promise((exited) => child.once('exit', exited));
      await deleteNamespace(namespace);
    }
  });
});
