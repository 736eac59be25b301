import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Router from '@koa/router';
import Koa from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consolePages } from './console.ts';
import { errorHandler } from './error-handler.ts';
import type { AppState } from './state.ts';

const HTML =
  '<!doctype html><title>Guardian</title><script type="module" src="/assets/index-abc123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

/** A GET through node:http: fetch would add Cache-Control: no-cache to a conditional request, and decompress. */
function raw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((done, fail) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    }).on('error', fail);
  });
}

async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const app = new Koa<AppState>();
  const router = new Router<AppState>();
  router.get('/auth/me', (ctx) => {
    ctx.body = { api: true };
  });
  app.use(async (ctx, next) => {
    ctx.state.log = pino({ level: 'silent' });
    await next();
  });
  app.use(errorHandler());
  app.use(consolePages({ dir }, router));
  app.use(router.routes());
  const server = createServer(app.callback());
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the console’s pages and assets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guardian-console-'));
  const missing = join(dir, 'never-built');
  let built: { url: string; server: Server };
  let unbuilt: { url: string; server: Server };
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), HTML);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(dir, 'secret.txt'), 'not an asset');
    built = await serve(dir);
    unbuilt = await serve(missing);
  });
  afterAll(() => {
    built.server.close();
    unbuilt.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    '/',
    '/login',
    '/device',
    '/o/acme',
    '/o/acme/teams/platform',
    '/admin',
    '/admin/plans',
  ])('answers a browser at %s with the app, under the CSP, revalidated every time', async (path) => {
    const response = await fetch(`${built.url}${path}`, { headers: html });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(HTML);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('has the CSP the console is built for: nothing inline, nothing from elsewhere, never framed', () => {
    expect(CONSOLE_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  });

  it('answers a revalidation of an unchanged page with 304', async () => {
    const first = await fetch(`${built.url}/o/acme`, { headers: html });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await raw(`${built.url}/o/acme`, { ...html, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const changed = await raw(`${built.url}/o/acme`, { ...html, 'if-none-match': '"another"' });
    expect(changed.status).toBe(200);
  });

  it('leaves the API its own answers: routes win, JSON clients, other methods and other paths get the API', async () => {
    const api = await fetch(`${built.url}/auth/me`, { headers: html });
    expect(await api.json()).toEqual({ api: true });
    for (const [path, init] of [
      ['/o/acme', { headers: { accept: 'application/json' } }],
      ['/no/such/route', { headers: html }],
      ['/login', { method: 'POST', headers: html }],
      ['/organizations', { headers: html }],
      ['/assets/missing-abc.js', { headers: html }],
      ['/assets/../secret.txt', { headers: html }],
      ['/assets/..%2fsecret.txt', { headers: html }],
    ] as const) {
      const response = await fetch(`${built.url}${path}`, init);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toBe('application/problem+json');
    }
  });

  it('serves hashed assets for a year, immutable, compressed when the browser accepts it', async () => {
    const plain = await fetch(`${built.url}/assets/index-abc123.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await plain.text()).toBe(SCRIPT);

    const response = await raw(`${built.url}/assets/index-abc123.js`, { 'accept-encoding': 'gzip' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.body.length).toBeLessThan(SCRIPT.length / 4);
    expect(gunzipSync(response.body).toString()).toBe(SCRIPT);
  });

  it('says how to build the console where it was never built, rather than failing', async () => {
    const response = await fetch(`${unbuilt.url}/`, { headers: html });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    const text = await response.text();
    expect(text).toContain('The console is not built');
    expect(text).toContain('npm run build --workspace @guardian/web');
    expect(text).toContain('make dev');
    const api = await fetch(`${unbuilt.url}/auth/me`);
    expect(api.status).toBe(200);
  });
});
