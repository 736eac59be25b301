import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubeClient } from '@guardian/kube/client';
import { Informer } from '@guardian/kube/informer';
import type { KubeObject } from '@guardian/kube/resources';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { TEST_STACK_DIR } from '../support/stack.ts';

// These tests stop parts of the shared test stack, so they run alone, after the other suites.
const coreApi = kubeConfig().makeApiClient(k8s.CoreV1Api);
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

/** Kills the apiserver outright (a graceful stop waits up to 60 s for open watches to drain). */
async function killApiserver(): Promise<void> {
  const pid = Number(readFileSync(`${TEST_STACK_DIR}/run/kube-apiserver.pid`, 'utf8'));
  process.kill(pid, 'SIGKILL');
  await eventually('the apiserver to exit', async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

function startStack(): void {
  const main = resolve(import.meta.dirname, '../../scripts/stack/main.ts');
  execFileSync(process.execPath, [main, 'up', '--dir', TEST_STACK_DIR, '--test'], { stdio: 'ignore' });
}

describe('an informer across an apiserver restart', () => {
  const namespace = uniqueName('it-restart');
  let client: KubeClient;
  let informer: Informer<KubeObject>;

  beforeAll(async () => {
    await coreApi.createNamespace({ body: { metadata: { name: namespace } } });
    client = adminClient();
    informer = new Informer(client, configMap, pino({ level: 'silent' }), {
      labelSelector: `test=${namespace}`,
      staleAfterMs: 2_000,
    });
    informer.start();
    await eventually('the first list', async () => informer.hasSynced);
  });
  afterAll(async () => {
    informer.stop();
    await client.close();
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it(
    'reports itself stale while the apiserver is down, then recovers and sees new objects',
    { timeout: 240_000 },
    async () => {
      await killApiserver();
      await eventually('the informer to report itself stale', async () => informer.isStale(), 60_000);
      startStack();
      await coreApi.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'after-restart', labels: { test: namespace } } },
      });
      await eventually(
        'the informer to see the object created after the restart',
        async () => informer.list().some((o) => o.metadata?.name === 'after-restart'),
        90_000,
      );
      expect(informer.isStale()).toBe(false);
    },
  );
});
