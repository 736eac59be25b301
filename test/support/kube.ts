import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { KubeClient } from '@guardian/kube/client';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { pollUntil } from '@guardian/kube/poll';
import * as k8s from '@kubernetes/client-node';
import { TEST_STACK_DIR } from './stack.ts';

export { k8s };

export function kubeConfig(): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromDefault();
  return config;
}

/** Guardian's own client, as the test stack's admin (KUBECONFIG). */
export function adminClient(): KubeClient {
  return new KubeClient(loadClusterAccess());
}

const execFileAsync = promisify(execFile);

/** Runs kubectl against the test stack; resolves with stdout, rejects with stderr in the message. */
export async function kubectl(...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('kubectl', args, {
      env: process.env,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`kubectl ${args.join(' ')}: ${stderr || stdout || String(error)}`);
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Polls until `check` returns a value other than undefined/false, or fails with `what`. */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  return pollUntil(what, check, { timeoutMs, intervalMs: 200, retryErrors: true });
}

export function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

export interface AuditEvent {
  verb: string;
  user: { username: string };
  /** Whom `user` acted as (`Impersonate-User`), when it did. */
  impersonatedUser?: { username: string };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    subresource?: string;
    apiGroup?: string;
  };
  responseStatus?: { code?: number };
}

/** The writes the apiserver of the test stack logged (its audit policy records writes only). */
export function auditEvents(): AuditEvent[] {
  const lines = readFileSync(`${TEST_STACK_DIR}/logs/kube-audit.log`, 'utf8').split('\n');
  // The last piece is empty, or a line the apiserver is still writing.
  return lines.slice(0, -1).map((line) => JSON.parse(line) as AuditEvent);
}
