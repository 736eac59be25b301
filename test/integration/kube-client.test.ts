import { KubeClient } from '@guardian/kube/client';
import { Informer } from '@guardian/kube/informer';
import { core, type KubeObject } from '@guardian/kube/resources';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { WatchBreakingProxy } from '../support/watch-proxy.ts';

const coreApi = kubeConfig().makeApiClient(k8s.CoreV1Api);

describe('KubeClient against the apiserver', () => {
  const namespace = uniqueName('it-pages');
  const labelSelector = `test=${namespace}`;
  const names = Array.from({ length: 7 }, (_, i) => `c${i}`);
  const proxy = new WatchBreakingProxy();
  let server: string;

  /** The list requests for our ConfigMaps the proxy saw since `since` (informers list all namespaces). */
  const lists = (since: number, path = `/api/v1/namespaces/${namespace}/configmaps`) =>
    proxy.requests
      .slice(since)
      .filter((url) => url.pathname === path && url.searchParams.get('labelSelector') === labelSelector)
      .filter((url) => url.searchParams.get('watch') !== 'true');

  beforeAll(async () => {
    await coreApi.createNamespace({ body: { metadata: { name: namespace } } });
    for (const name of names)
      await coreApi.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name, labels: { test: namespace } } },
      });
    server = await proxy.start();
  });
  afterAll(async () => {
    await proxy.stop();
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('lists in pages: every item of a namespace, with the list resourceVersion', async () => {
    const client = new KubeClient({ server }, { pageSize: 3 });
    const since = proxy.requests.length;
    const list = await client.list(core.configMap, { namespace, labelSelector });
    await client.close();
    expect(list.items.map((item) => item.metadata?.name).sort()).toEqual(names);
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
    const pages = lists(since);
    expect(pages.map((url) => url.searchParams.get('limit'))).toEqual(['3', '3', '3']);
    expect(pages.map((url) => url.searchParams.has('continue'))).toEqual([false, true, true]);

    // The control: in pages of the default size, the same list is one request.
    const whole = new KubeClient({ server });
    const before = proxy.requests.length;
    expect((await whole.list(core.configMap, { namespace, labelSelector })).items).toHaveLength(7);
    await whole.close();
    expect(lists(before)).toHaveLength(1);
  });

  it('deletes with preconditions only the object as it was read: a changed one answers 409 and stays', async () => {
    const client = new KubeClient({ server });
    try {
      await coreApi.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'read-then-changed' }, data: { v: '1' } },
      });
      const read = await client.get<KubeObject>(core.configMap, 'read-then-changed', namespace);
      await client.replace(core.configMap, { ...read, data: { v: '2' } } as KubeObject);
      const stale = { uid: read.metadata?.uid, resourceVersion: read.metadata?.resourceVersion };
      await expect(
        client.delete(core.configMap, 'read-then-changed', namespace, 'Background', stale),
      ).rejects.toMatchObject({ status: 409 });
      const kept = await client.get<KubeObject>(core.configMap, 'read-then-changed', namespace);
      const current = { uid: kept.metadata?.uid, resourceVersion: kept.metadata?.resourceVersion };
      expect(await client.delete(core.configMap, 'read-then-changed', namespace, 'Background', current)).toBe(
        true,
      );
      expect(await client.find(core.configMap, 'read-then-changed', namespace)).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('lists metadata only when asked: a Secret’s data never arrives, in pages all the same', async () => {
    await coreApi.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'app-credentials', labels: { test: namespace } },
        stringData: { password: 'p4ss' },
      },
    });
    const client = new KubeClient({ server }, { pageSize: 1 });
    try {
      // The control: a plain list carries the data.
      const full = await client.list<KubeObject & { data?: Record<string, string> }>(core.secret, {
        namespace,
        labelSelector,
      });
      expect(full.items.map((item) => Object.keys(item.data ?? {}))).toEqual([['password']]);
      const bare = await client.list<KubeObject & { data?: unknown; type?: unknown }>(core.secret, {
        namespace,
        labelSelector,
        metadataOnly: true,
      });
      expect(bare.items).toHaveLength(1);
      expect(bare.items[0]?.metadata).toMatchObject({ name: 'app-credentials', labels: { test: namespace } });
      expect(bare.items[0]).not.toHaveProperty('data');
      expect(bare.items[0]).not.toHaveProperty('type');
      expect(bare.metadata?.resourceVersion).toMatch(/^\d+$/);
      // An empty one (the apiserver says `items: null` there) is an empty list.
      const none = { namespace, labelSelector: 'test=nothing', metadataOnly: true };
      expect((await client.list(core.secret, none)).items).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("fills an informer's cache through the same pages, then watches from the list's resourceVersion", async () => {
    const client = new KubeClient({ server }, { pageSize: 3 });
    const informer = new Informer<KubeObject>(client, core.configMap, pino({ level: 'silent' }), {
      labelSelector,
    });
    const since = proxy.requests.length;
    informer.start();
    try {
      await eventually('the first list', async () => informer.hasSynced);
      expect(informer.list()).toHaveLength(7);
      expect(lists(since, '/api/v1/configmaps')).toHaveLength(3);
      await coreApi.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'c7', labels: { test: namespace } } },
      });
      await eventually('the watch to deliver c7', async () => informer.get(`${namespace}/c7`) !== undefined);
    } finally {
      informer.stop();
      await client.close();
    }
  });
});
