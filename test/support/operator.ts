import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installManifests } from '../../crds/src/install.ts';
import { operatorRbac } from '../../operator/src/rbac.ts';
import { eventually, k8s, kubeConfig } from './kube.ts';

const guardian = resolve(import.meta.dirname, '../../bin/guardian.ts');
const repo = resolve(import.meta.dirname, '../..');

/** Applies CRDs, admission policies and default plans, as `make dev` does (idempotent). */
export async function applyGuardianManifests(): Promise<void> {
  await installManifests(kubeConfig(), { fieldManager: 'guardian-dev' });
}

/**
 * Installs the operator's RBAC from its one manifest into `namespace`, and returns a kubeconfig
 * that authenticates as its ServiceAccount with a short-lived token: the tests run the operator
 * with exactly the permissions the chart gives it.
 */
export async function operatorKubeconfig(namespace: string): Promise<string> {
  const config = kubeConfig();
  const core = config.makeApiClient(k8s.CoreV1Api);
  const objects = k8s.KubernetesObjectApi.makeApiClient(config);
  await core
    .createNamespace({ body: { metadata: { name: namespace } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  for (const object of operatorRbac(namespace)) {
    await objects.patch(
      object as k8s.KubernetesObject,
      undefined,
      undefined,
      'guardian-test',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  }
  const token = await eventually('a ServiceAccount token', () =>
    core.createNamespacedServiceAccountToken({
      name: 'guardian-operator',
      namespace,
      body: { spec: { expirationSeconds: 3600, audiences: [] } },
    }),
  );
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster');
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : '');
  const file = join(mkdtempSync(join(tmpdir(), 'guardian-operator-')), 'kubeconfig');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: cluster.server, 'certificate-authority-data': ca } }],
      users: [{ name: 'operator', user: { token: token.status?.token } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'operator' } }],
      'current-context': 'c',
    }),
    { mode: 0o600 },
  );
  return file;
}

export interface RunningOperator {
  process: ChildProcess;
  port: number;
  logs: string[];
  /** GET one of the probe endpoints; resolves with status and body. */
  probe(path: string): Promise<{ status: number; body: string }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `guardian operator` as a child process with the given kubeconfig and settings. */
export async function startOperator(options: {
  kubeconfig: string;
  namespace: string;
  port: number;
  env?: Record<string, string>;
  name?: string;
}): Promise<RunningOperator> {
  const child = spawn(
    process.execPath,
    [guardian, 'operator', '--metrics-port', String(options.port), '--namespace', options.namespace],
    {
      cwd: repo,
      env: {
        ...process.env,
        KUBECONFIG: options.kubeconfig,
        POD_NAME: options.name ?? `operator-${options.port}`,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const probe = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${options.port}${path}`);
    return { status: response.status, body: await response.text() };
  };
  return {
    process: child,
    port: options.port,
    logs,
    probe,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
