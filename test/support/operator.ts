import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '@guardian/kube/env';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import type { TemplateCatalog } from '@guardian/platform/workflows';
import { pino } from 'pino';
import { installManifests } from '../../crds/src/install.ts';
import { operatorConfig } from '../../operator/src/config.ts';
import { createOperator } from '../../operator/src/main.ts';
import { operatorIdentity } from '../../scripts/service-account-identity.ts';
import { freePort } from '../../scripts/stack/process.ts';
import { adminClient, kubeConfig } from './kube.ts';
import { encryptionKey } from './stack.ts';

const guardian = resolve(import.meta.dirname, '../../bin/guardian.ts');
const repo = resolve(import.meta.dirname, '../..');

/** Applies CRDs, admission policies and default plans, as `make dev` does (idempotent). */
export async function applyGuardianManifests(): Promise<void> {
  await installManifests(adminClient(), { fieldManager: 'guardian-dev' });
}

/** The operator's RBAC in `namespace`, and a kubeconfig with its ServiceAccount's token. */
export function operatorKubeconfig(namespace: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'guardian-operator-')), 'kubeconfig');
  return operatorIdentity(kubeConfig(), namespace, file, 1);
}

export interface RunningOperator {
  process: ChildProcess;
  /** Its POD_NAME: its identity in the Lease. */
  name: string;
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
  env?: NodeJS.ProcessEnv;
  name?: string;
  /** Another checkout's bin/guardian.ts (the benchmarks' before/after); this one's by default. */
  entry?: string;
}): Promise<RunningOperator> {
  const name = options.name ?? `operator-${options.port}`;
  const child = spawn(
    process.execPath,
    [
      options.entry ?? guardian,
      'operator',
      '--metrics-port',
      String(options.port),
      '--namespace',
      options.namespace,
    ],
    {
      cwd: repo,
      env: {
        ...process.env,
        KUBECONFIG: options.kubeconfig,
        POD_NAME: name,
        GUARDIAN_ENCRYPTION_KEY: encryptionKey(),
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
    name,
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

/**
 * The operator built in this process (createOperator, as `guardian operator` builds it), as the
 * ServiceAccount of `namespace`, selecting `selector`: for tests that bring their own workflow
 * templates. Started, and stopped by the returned function.
 */
export async function startOperatorInProcess(options: {
  namespace: string;
  selector: string;
  templates?: TemplateCatalog;
  env?: Record<string, string>;
}): Promise<{ stop(): Promise<void> }> {
  const kubeconfig = await operatorKubeconfig(options.namespace);
  const config = parseConfig(operatorConfig, {
    ...process.env,
    OPERATOR_NAMESPACE: options.namespace,
    OPERATOR_ORGANIZATION_SELECTOR: options.selector,
    OPERATOR_METRICS_PORT: String(await freePort()),
    GUARDIAN_ENCRYPTION_KEY: encryptionKey(),
    LEADER_ELECT: 'false',
    ...options.env,
  });
  const operator = createOperator(config, {
    kube: loadClusterAccess({ KUBECONFIG: kubeconfig }),
    log: pino({ level: process.env.OPERATOR_TEST_LOG ?? 'silent' }),
    ...(options.templates ? { templates: options.templates } : {}),
  });
  await operator.manager.start();
  return operator;
}
