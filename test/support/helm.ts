// The Helm chart in tests: helm and kubectl as a user runs them, the rendered manifests as objects,
// and what it takes to run a chart-rendered container locally (its environment resolved from the
// cluster, its ServiceAccount's token), since the fake node never runs containers.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from '../../crds/src/index.ts';
import { k8s, kubeConfig, kubectl } from './kube.ts';
import { encryptionKey, stackEnv } from './stack.ts';

export const repo = resolve(import.meta.dirname, '../..');
export const chartDir = resolve(repo, 'charts/guardian');
const execFileAsync = promisify(execFile);

export type { Manifest };

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; resolves with its exit code and output (never rejects on exit codes). */
export function runCommand(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repo,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 300_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', fail);
    child.on('close', (code, signal) =>
      done({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin?.end(options.input);
  });
}

/** `helm <args>`; rejects with helm's message when it fails. */
export async function helm(...args: string[]): Promise<string> {
  const result = await runCommand('helm', args);
  if (result.code !== 0) throw new Error(`helm ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** `helm <args>` expected to fail: resolves with its error output. */
export async function helmFails(...args: string[]): Promise<string> {
  const result = await runCommand('helm', args);
  if (result.code === 0) throw new Error(`helm ${args.join(' ')} succeeded; expected a refusal`);
  return result.stderr;
}

/** Writes values to a temporary file (for `-f`), returning its path. */
export function valuesFile(values: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'guardian-values-')), 'values.yaml');
  writeFileSync(file, JSON.stringify(values, null, 2));
  return file;
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null && typeof doc === 'object' && 'kind' in doc);
}

/** `helm template` of the chart; resolves with the rendered objects and the raw text. */
export async function renderChart(
  options: { release?: string; namespace?: string; values?: string[]; set?: string[] } = {},
): Promise<{ text: string; objects: Manifest[] }> {
  const args = [
    'template',
    options.release ?? 'guardian',
    chartDir,
    '--namespace',
    options.namespace ?? 'guardian-system',
    ...(options.values ?? []).flatMap((file) => ['-f', file]),
    ...(options.set ?? []).flatMap((pair) => ['--set', pair]),
  ];
  const text = await helm(...args);
  return { text, objects: parseManifests(text) };
}

export function find(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} among the rendered objects`);
  return found;
}

// --- Running a chart-rendered container locally ----------------------------------------------

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
}

/**
 * The environment the kubelet would give `container` of a pod in `namespace`: values, Secret and
 * ConfigMap references read from the cluster, field references from `fields`, and `$(VAR)`
 * references to earlier variables expanded (Kubernetes' dependent environment variables).
 */
export async function containerEnv(
  container: Container,
  namespace: string,
  fields: Record<string, string>,
): Promise<Record<string, string>> {
  const core = kubeConfig().makeApiClient(k8s.CoreV1Api);
  const env: Record<string, string> = {};
  const decode = (data: Record<string, string> | undefined, key: string) =>
    data?.[key] === undefined ? undefined : Buffer.from(data[key] as string, 'base64').toString('utf8');
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const map = await core.readNamespacedConfigMap({ name: source.configMapRef.name, namespace });
      Object.assign(env, map.data);
    }
    if (source.secretRef) {
      const secret = await core.readNamespacedSecret({ name: source.secretRef.name, namespace });
      for (const key of Object.keys(secret.data ?? {})) env[key] = decode(secret.data, key) ?? '';
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined;
    if (!from) {
      // The apiserver drops an empty value; the kubelet sets such a variable to "".
      value = (variable.value ?? '').replace(
        /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (whole, name: string) => env[name] ?? whole,
      );
    } else if (from.secretKeyRef) {
      const secret = await core.readNamespacedSecret({ name: from.secretKeyRef.name, namespace });
      value = decode(secret.data, from.secretKeyRef.key);
    } else if (from.configMapKeyRef) {
      const map = await core.readNamespacedConfigMap({ name: from.configMapKeyRef.name, namespace });
      value = map.data?.[from.configMapKeyRef.key];
    } else if (from.fieldRef) {
      value = fields[from.fieldRef.fieldPath];
    }
    if (value === undefined) throw new Error(`${container.name}: no value for ${variable.name}`);
    env[variable.name] = value;
  }
  return env;
}

/**
 * A kubeconfig that authenticates as ServiceAccount `name` of `namespace` with a bound token
 * (TokenRequest), as the kubelet would mount into its pods.
 */
export async function serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
  const admin = kubeConfig();
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const request = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { expirationSeconds: 3600, audiences: [] } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token for ServiceAccount ${namespace}/${name}`);
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : '');
  const file = join(mkdtempSync(join(tmpdir(), 'guardian-sa-')), 'kubeconfig');
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'cluster', cluster: { server: cluster.server, 'certificate-authority-data': ca } }],
    users: [{ name, user: { token } }],
    contexts: [{ name: 'sa', context: { cluster: 'cluster', user: name, namespace } }],
    'current-context': 'sa',
  };
  writeFileSync(file, JSON.stringify(kubeconfig), { mode: 0o600 });
  return file;
}

// --- What a release left in the cluster --------------------------------------------------------

/** Every listable resource type the apiserver serves, as `kubectl get` names them. */
export async function listableResources(): Promise<string[]> {
  const { stdout } = await execFileAsync('kubectl', ['api-resources', '--verbs=list', '-o', 'name'], {
    env: process.env,
  });
  // Events are not objects of the release (and not labeled); skip their two APIs.
  return stdout
    .split('\n')
    .filter(Boolean)
    .filter((name) => name !== 'events' && name !== 'events.events.k8s.io');
}

/** `kind/name` (with `namespace/` where namespaced) of every object labeled with the release. */
export async function objectsOfRelease(release: string): Promise<string[]> {
  const resources = await listableResources();
  const { stdout } = await execFileAsync(
    'kubectl',
    [
      'get',
      resources.join(','),
      '--all-namespaces',
      '--selector',
      `app.kubernetes.io/instance=${release}`,
      '--ignore-not-found',
      '-o',
      'jsonpath={range .items[*]}{.kind}/{.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
    ],
    { env: process.env, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace('//', '/'))
    .sort();
}

// --- A release on the test stack, its processes run locally ----------------------------------

/** The documented example values (docs/install/index.md), pointed at the test stack. */
export function stackValues(release: string) {
  return {
    image: { repository: 'registry.example.com/guardian' },
    oidc: {
      issuer: stackEnv('OIDC_ISSUER'),
      clientId: stackEnv('OIDC_CLIENT_ID'),
      caBundle: { pem: readFileSync(stackEnv('STACK_CA_FILE'), 'utf8') },
    },
    platform: { superAdmins: ['root@guardian.local'] },
    tenantDatabases: { servers: [{ name: 'pg1' }, { name: 'pg2' }] },
    ingress: {
      enabled: true,
      className: 'nginx',
      host: `${release}.guardian.test`,
      tls: { secretName: `${release}-tls` },
    },
  };
}

/** The Secrets docs/install/index.md has you create in the release namespace, from the test stack. */
export async function createReleaseSecrets(namespace: string): Promise<void> {
  const tenantServers = Object.fromEntries(
    stackEnv('TENANT_DB_SERVERS')
      .split(',')
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  const secret = (name: string, data: Record<string, string>) =>
    kubectl(
      'create',
      'secret',
      'generic',
      name,
      '--namespace',
      namespace,
      ...Object.entries(data).map(([key, value]) => `--from-literal=${key}=${value}`),
    );
  await secret('guardian-database', {
    url: stackEnv('DATABASE_URL'),
    'admin-url': stackEnv('DATABASE_ADMIN_URL'),
  });
  await secret('guardian-tenant-databases', { pg1: tenantServers.pg1 ?? '', pg2: tenantServers.pg2 ?? '' });
  await secret('guardian-redis', { url: stackEnv('REDIS_URL') });
  await secret('guardian-oidc', { 'client-secret': stackEnv('OIDC_CLIENT_SECRET') });
  await secret('guardian-encryption-key', { key: encryptionKey() });
}

/** A container of a pod spec as the apiserver returned it. */
export function containerOf(spec: k8s.V1PodSpec | undefined, name: string, init = false): Container {
  const list = (init ? spec?.initContainers : spec?.containers) ?? [];
  const container = list.find((c) => c.name === name);
  if (!container) throw new Error(`no container ${name}`);
  return container as unknown as Container;
}

export interface Local {
  child: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Runs `guardian <args>` locally with `env` only (and PATH), as the container would run it, from
 * `root` (this checkout, or the previous release's).
 */
export function runLocally(args: string[], env: Record<string, string>, root = repo): Local {
  const child = spawn(process.execPath, [resolve(root, 'bin/guardian.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => logs.push(String(chunk)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
