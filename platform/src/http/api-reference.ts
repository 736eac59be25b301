import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import { sendStatic } from './compressed.ts';
import type { AppState } from './state.ts';

/**
 * Scalar's self-contained browser bundle, which the console's build copies into its output
 * (web/vite.config.ts): the page loads nothing from another origin, since many installations have
 * no internet, and the image carries the one file rather than Scalar's packages.
 */
export const BUNDLE_FILE = join('api-reference', 'scalar.js');

/** Where the bundle is served; the query names its content, so it may be cached for good. */
const BUNDLE_PATH = '/docs/scalar.js';

/**
 * The reference's policy: the console's, except for styles. Scalar (Vue components, its code
 * editor) writes `<style>` elements and style attributes at run time, which no nonce or hash can
 * admit, so styles may be inline here (never on the console's pages). Scripts stay this origin's
 * files only, without eval (Scalar's schema library probes for it and falls back); fonts, telemetry
 * and Scalar's request proxy are off in its configuration, and `connect-src 'self'` would refuse
 * them anyway.
 */
export const API_REFERENCE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Scalar's options (its HTML API): the document of this platform, and nothing from elsewhere. */
const CONFIGURATION = JSON.stringify({
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  persistAuth: false,
  showDeveloperTools: 'never',
  showToolbar: 'never',
});

const page = (bundle: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guardian API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><div id="api-reference" data-url="/openapi.json" data-configuration='${CONFIGURATION}'></div>
<script src="${bundle}"></script></body></html>
`;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guardian: the API reference is not built</title></head>
<body><h1>The API reference is not built</h1>
<p>It is built with the web console: <code>npm run build --workspace @guardian/web</code>, or
<code>make dev</code>. The document it renders is here: <a href="/openapi.json">/openapi.json</a>.</p></body></html>
`;

export interface ApiReferenceOptions {
  /** The built console (web/dist), which holds the bundle. */
  dir: string;
}

/**
 * `/docs`: the API reference, rendered in the browser by Scalar from `/openapi.json`, and the
 * bundle it needs. Mounted beside the console's pages, before authentication: the document is
 * public, and so is its reference. A rebuilt bundle (make dev) is picked up by its mtime.
 */
export function apiReference(options: ApiReferenceOptions): Middleware<AppState> {
  const file = join(options.dir, BUNDLE_FILE);
  const compressed = new Map<string, Buffer>();
  let bundle: { mtimeMs: number; content: Buffer; version: string } | undefined;

  async function load(): Promise<typeof bundle> {
    const info = await stat(file).catch(() => undefined);
    if (!info) return undefined;
    if (bundle?.mtimeMs !== info.mtimeMs) {
      const content = await readFile(file);
      const version = createHash('sha256').update(content).digest('base64url').slice(0, 16);
      bundle = { mtimeMs: info.mtimeMs, content, version };
      compressed.clear();
    }
    return bundle;
  }

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/docs' || ctx.path === '/docs/') {
      const built = await load();
      ctx.state.route = '/docs';
      ctx.set('content-security-policy', API_REFERENCE_CSP);
      ctx.set('x-content-type-options', 'nosniff');
      ctx.set('cache-control', 'no-cache');
      ctx.type = 'text/html; charset=utf-8';
      ctx.status = built ? 200 : 503;
      ctx.body = built ? page(`${BUNDLE_PATH}?v=${built.version}`) : NOT_BUILT;
      return;
    }
    if (ctx.path === BUNDLE_PATH) {
      const built = await load();
      if (!built) return next();
      ctx.state.route = BUNDLE_PATH;
      ctx.set('x-content-type-options', 'nosniff');
      ctx.set(
        'cache-control',
        ctx.query.v === built.version ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      await sendStatic(ctx, BUNDLE_PATH, built.content, compressed);
      return;
    }
    return next();
  };
}
