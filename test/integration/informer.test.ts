import { KubeClient } from '@guardian/kube/client';
import { Informer } from '@guardian/kube/informer';
import type { KubeObject } from '@guardian/kube/resources';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { WatchBreakingProxy } from '../support/watch-proxy.ts';

const coreApi = kubeConfig().makeApiClient(k8s.CoreV1Api);
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

describe('informer', () => {
  const namespace = uniqueName('it-informer');
  const label = uniqueName('informer');
  const proxy = new WatchBreakingProxy();
  let client: KubeClient;
  let informer: Informer<KubeObject>;
  const deleted: string[] = [];

  const create = (name: string) =>
    coreApi.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels: { test: label } } } });
  const cached = () =>
    informer
      .list()
      .map((o) => o.metadata?.name)
      .sort();

  beforeAll(async () => {
    await coreApi.createNamespace({ body: { metadata: { name: namespace } } });
    const server = await proxy.start();
    // Plain HTTP to the proxy on loopback, which holds the credentials.
    client = new KubeClient({ server });
    informer = new Informer(client, configMap, pino({ level: 'silent' }), { labelSelector: `test=${label}` });
    informer.onChange((object, change) => {
      if (change === 'delete') deleted.push(object.metadata?.name ?? '');
    });
    await create('before-start');
    informer.start();
    await eventually('the first list', async () => informer.hasSynced);
  });
  afterAll(async () => {
    informer?.stop();
    await client?.close();
    await proxy.stop();
    await coreApi.deleteNamespace({ name: namespace });
  });

  it('lists, then follows the watch', async () => {
    expect(cached()).toEqual(['before-start']);
    await create('while-watching');
    await eventually('the watch to deliver the new object', async () => cached().includes('while-watching'));
  });

  it('relists after 410 Gone, catching up on what it missed, deletions included', async () => {
    const relists = informer.relists;
    proxy.breakWatchesWithGone();
    await coreApi.deleteNamespacedConfigMap({ name: 'before-start', namespace });
    await create('during-gap');
    await eventually(
      'a relist that catches up',
      async () => informer.relists > relists && cached().join() === ['during-gap', 'while-watching'].join(),
    );
    expect(deleted).toContain('before-start');
    await create('after-relist');
    await eventually('the resumed watch', async () => cached().includes('after-relist'));
    expect(informer.isStale()).toBe(false);
  });

  it('filters by label: objects without it never enter the cache', async () => {
    await coreApi.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'unlabelled' } } });
    await create('labelled');
    await eventually('the labelled object', async () => cached().includes('labelled'));
    expect(cached()).not.toContain('unlabelled');
  });
});
