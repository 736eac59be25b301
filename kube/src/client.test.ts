import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, KubeClient } from './client.ts';
import { core, type KubeObject } from './resources.ts';

type Handler = (request: IncomingMessage, url: URL, response: ServerResponse) => void;

let server: Server | undefined;
let client: KubeClient | undefined;
const held: ServerResponse[] = [];

/** A plain HTTP apiserver stand-in on loopback, answering with `handler`; logs the URLs it saw. */
async function serve(handler: Handler, options: { timeoutMs?: number; pageSize?: number } = {}) {
  const seen: URL[] = [];
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    seen.push(url);
    handler(request, url, response);
  });
  await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  client = new KubeClient({ server: `http://127.0.0.1:${port}` }, options);
  return { client, seen };
}

afterEach(async () => {
  for (const response of held.splice(0)) response.destroy();
  await client?.close();
  await new Promise((closed) => (server ? server.close(closed) : closed(undefined)));
  server = undefined;
  client = undefined;
});

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const configMap = (name: string): KubeObject => ({ metadata: { name, namespace: 'ns' } });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('the request succeeded'),
    (error: unknown) => error,
  );
}

describe('KubeClient', () => {
  it('gives up on a request the apiserver does not answer within its timeout, naming it', async () => {
    const { client } = await serve(
      (_request, url, response) => {
        if (url.pathname.endsWith('/quick')) json(response, 200, configMap('quick'));
        else held.push(response);
      },
      { timeoutMs: 300 },
    );
    // The control: an answer within the timeout is taken.
    expect((await client.get(core.configMap, 'quick', 'ns')).metadata?.name).toBe('quick');
    const started = Date.now();
    const error = await failure(client.get(core.configMap, 'slow', 'ns'));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 504, reason: 'Timeout' });
    expect((error as Error).message).toContain('GET /api/v1/namespaces/ns/configmaps/slow');
    expect((error as Error).message).toContain('300 ms');
  });

  it('reports an error answer that is not JSON (a proxy page) as an ApiError with its status', async () => {
    const { client } = await serve((_request, url, response) => {
      if (url.pathname.endsWith('/missing'))
        return json(response, 404, {
          kind: 'Status',
          reason: 'NotFound',
          message: 'configmaps "missing" not found',
        });
      response.writeHead(url.pathname.endsWith('/gateway') ? 502 : 503, { 'content-type': 'text/html' });
      response.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    // The control: the apiserver's own Status is read as before.
    const notFound = await failure(client.get(core.configMap, 'missing', 'ns'));
    expect(notFound).toMatchObject({
      status: 404,
      reason: 'NotFound',
      message: 'configmaps "missing" not found',
    });
    expect(await client.find(core.configMap, 'missing', 'ns')).toBeUndefined();

    const gateway = await failure(client.get(core.configMap, 'gateway', 'ns'));
    expect(gateway).toBeInstanceOf(ApiError);
    expect(gateway).toMatchObject({ status: 502, reason: 'BadGateway' });
    expect((gateway as Error).message).toContain('GET /api/v1/namespaces/ns/configmaps/gateway: HTTP 502');
    expect(await failure(client.get(core.configMap, 'down', 'ns'))).toMatchObject({
      status: 503,
      reason: 'ServiceUnavailable',
    });
  });

  /** Serves `count` ConfigMaps in pages; `expire(n)` answers the nth request 410 Expired. */
  function pages(count: number, expire: (request: number) => boolean = () => false): Handler {
    let requests = 0;
    return (_request, url, response) => {
      requests++;
      if (expire(requests))
        return json(response, 410, { kind: 'Status', reason: 'Expired', code: 410, message: 'too old' });
      const limit = Number(url.searchParams.get('limit') ?? count);
      const from = Number(url.searchParams.get('continue') ?? 0);
      const next = from + limit < count ? String(from + limit) : undefined;
      const items = Array.from({ length: Math.min(limit, count - from) }, (_, i) =>
        configMap(`c${from + i}`),
      );
      json(response, 200, {
        kind: 'ConfigMapList',
        metadata: { resourceVersion: '42', continue: next },
        items,
      });
    };
  }

  it('lists page by page and returns every item with the list resourceVersion', async () => {
    const { client, seen } = await serve(pages(7), { pageSize: 3 });
    const list = await client.list(core.configMap, { namespace: 'ns', labelSelector: 'a=b' });
    expect(list.items.map((item) => item.metadata?.name)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(list.metadata).toEqual({ resourceVersion: '42' });
    expect(seen.map((url) => [url.searchParams.get('limit'), url.searchParams.get('continue')])).toEqual([
      ['3', null],
      ['3', '3'],
      ['3', '6'],
    ]);
    expect(seen.every((url) => url.searchParams.get('labelSelector') === 'a=b')).toBe(true);
  });

  it('starts a list over once when its continue token expired, and fails when it expires again', async () => {
    const once = await serve(
      pages(7, (request) => request === 2),
      { pageSize: 3 },
    );
    const list = await once.client.list(core.configMap, { namespace: 'ns' });
    expect(list.items).toHaveLength(7);
    expect(once.seen.map((url) => url.searchParams.get('continue'))).toEqual([null, '3', null, '3', '6']);
    await client?.close();
    await new Promise((closed) => server?.close(closed));

    const twice = await serve(
      pages(7, (request) => request === 2 || request === 4),
      { pageSize: 3 },
    );
    expect(await failure(twice.client.list(core.configMap, { namespace: 'ns' }))).toMatchObject({
      status: 410,
    });
    expect(twice.seen).toHaveLength(4);
  });

  it('acts as another user only through the client impersonating() returns, on every page', async () => {
    const users: Array<string | undefined> = [];
    const listing = pages(4);
    const { client } = await serve(
      (request, url, response) => {
        users.push(request.headers['impersonate-user'] as string | undefined);
        if (url.pathname.endsWith('/configmaps')) listing(request, url, response);
        else json(response, 200, configMap('one'));
      },
      { pageSize: 2 },
    );
    const agent = client.impersonating('system:serviceaccount:org-a:guardian-agent');
    expect(agent.impersonated).toBe('system:serviceaccount:org-a:guardian-agent');
    expect((await agent.list(core.configMap, { namespace: 'ns' })).items).toHaveLength(4);
    await agent.get(core.configMap, 'one', 'ns');
    // The control: the client it came from still acts as itself, and outlives the impersonating one.
    await agent.close();
    await client.get(core.configMap, 'one', 'ns');
    expect(client.impersonated).toBeUndefined();
    expect(users).toEqual([
      'system:serviceaccount:org-a:guardian-agent',
      'system:serviceaccount:org-a:guardian-agent',
      'system:serviceaccount:org-a:guardian-agent',
      undefined,
    ]);
  });
});
