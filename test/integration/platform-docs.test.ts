import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FILE } from '../../platform/src/http/api-reference.ts';
import { BUILT_CONSOLE } from '../../platform/src/http/console.ts';
import { platformSuite } from '../support/platform-suite.ts';

/** A CSP header as directive → sources. */
function directives(csp: string | null): Map<string, string[]> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words): words is [string, ...string[]] => words[0] !== undefined && words[0] !== '')
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('/docs: the API reference, from the platform’s own origin', () => {
  const api = platformSuite({ plans: [], organizations: [] });

  it('answers a page that renders /openapi.json with a script of this origin, which its CSP allows', async () => {
    const response = await fetch(`${api.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('data-url="/openapi.json"');

    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    const [, attributes = '', inline = ''] = scripts[0] ?? [];
    expect(inline.trim()).toBe('');
    const src = /\bsrc="([^"]+)"/.exec(attributes)?.[1] ?? '';
    expect(src).toMatch(/^\/docs\//);
    const scriptUrl = new URL(src, `${api.url}/docs`);
    expect(scriptUrl.origin).toBe(new URL(api.url).origin);

    // The policy allows this origin's scripts only: no inline script, no eval, no other host.
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');

    // The script is Scalar's bundle as the console's build copied it, compressed, cached for good
    // under its versioned URL.
    const script = await fetch(scriptUrl, { headers: { 'accept-encoding': 'br' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-encoding')).toBe('br');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const served = createHash('sha256')
      .update(Buffer.from(await script.arrayBuffer()))
      .digest('hex');
    expect(served).toBe(
      createHash('sha256')
        .update(await readFile(join(BUILT_CONSOLE, BUNDLE_FILE)))
        .digest('hex'),
    );

    // What the page renders is there too.
    const document = await fetch(`${api.url}/openapi.json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('revalidates the bundle under any other version, and leaves other methods to the API', async () => {
    const stale = await fetch(`${api.url}/docs/scalar.js?v=old`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    await stale.arrayBuffer();

    const post = await fetch(`${api.url}/docs`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await post.arrayBuffer();

    const unknown = await fetch(`${api.url}/docs/other.js`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await unknown.arrayBuffer();
  });

  it('keeps the console’s stricter policy on the console’s pages', async () => {
    const page = await fetch(`${api.url}/login`, { headers: { accept: 'text/html' } });
    await page.arrayBuffer();
    expect(directives(page.headers.get('content-security-policy')).get('style-src')).toEqual(["'self'"]);
    const docs = await fetch(`${api.url}/docs`);
    await docs.arrayBuffer();
    expect(directives(docs.headers.get('content-security-policy')).get('style-src')).toEqual([
      "'self'",
      "'unsafe-inline'",
    ]);
  });
});
