import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_REFERENCE_CSP, apiReference, BUNDLE_FILE } from './api-reference.ts';
import type { AppState } from './state.ts';

describe('/docs without and with the built bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guardian-api-reference-'));
  let url: string;
  let server: Server;

  beforeAll(async () => {
    const app = new Koa<AppState>();
    app.use(apiReference({ dir }));
    app.use((ctx) => {
      ctx.status = 404;
      ctx.body = 'the API';
    });
    server = createServer(app.callback());
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scriptOf = (html: string) => /<script src="([^"]+)"><\/script>/.exec(html)?.[1];

  it('says how to build it while the bundle is missing, and leaves the bundle’s path to the API', async () => {
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-security-policy')).toBe(API_REFERENCE_CSP);
    expect(await page.text()).toContain('npm run build --workspace @guardian/web');
    const bundle = await fetch(`${url}/docs/scalar.js`);
    expect(bundle.status).toBe(404);
    expect(await bundle.text()).toBe('the API');
  });

  it('serves the page and the bundle once built, under a new version when it is rebuilt', async () => {
    const file = join(dir, BUNDLE_FILE);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'window.Scalar = {};');
    const first = await fetch(`${url}/docs`);
    expect(first.status).toBe(200);
    const script = scriptOf(await first.text());
    expect(script).toMatch(/^\/docs\/scalar\.js\?v=[\w-]{16}$/);
    expect(await (await fetch(`${url}${script}`)).text()).toBe('window.Scalar = {};');

    writeFileSync(file, 'window.Scalar = { rebuilt: true };');
    utimesSync(file, new Date(), new Date(Date.now() + 1000));
    const second = scriptOf(await (await fetch(`${url}/docs/`)).text());
    expect(second).not.toBe(script);
    expect(await (await fetch(`${url}${second}`)).text()).toBe('window.Scalar = { rebuilt: true };');
    // The old version's URL still answers, but no longer as immutable.
    const stale = await fetch(`${url}${script}`);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    await stale.arrayBuffer();
  });
});
