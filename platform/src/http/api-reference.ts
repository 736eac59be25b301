import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import { sendStatic } from './compressed.ts';
import type { AppState } from './state.ts';

/**
 * Scalar's self-contained browser bundle, from the platform's own dependencies: the page loads
 * nothing from another origin, since many installations have no internet.
 */
export const SCALAR_BUNDLE = fileURLToPath(
  new URL('./browser/standalone.js', import.meta.resolve('@scalar/api-reference')),
);

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

function page(bundle: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guardian API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><div id="api-reference" data-url="/openapi.json" data-configuration='${CONFIGURATION}'></div>
<script src="${bundle}"></script></body></html>
`;
}

/**
 * `/docs`: the API reference, rendered in the browser by Scalar from `/openapi.json`, and the
 * bundle it needs. Mounted beside the console's pages, before authentication: the document is
 * public, and so is its reference.
 */
export function apiReference(bundleFile: string = SCALAR_BUNDLE): Middleware<AppState> {
  const compressed = new Map<string, Buffer>();
  let bundle: { content: Buffer; version: string } | undefined;

  async function load(): Promise<NonNullable<typeof bundle>> {
    if (!bundle) {
      const content = await readFile(bundleFile);
      bundle = { content, version: createHash('sha256').update(content).digest('base64url').slice(0, 16) };
    }
    return bundle;
  }

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/docs' || ctx.path === '/docs/') {
      const { version } = await load();
      ctx.state.route = '/docs';
      ctx.set('content-security-policy', API_REFERENCE_CSP);
      ctx.set('x-content-type-options', 'nosniff');
      ctx.set('cache-control', 'no-store');
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = page(`${BUNDLE_PATH}?v=${version}`);
      return;
    }
    if (ctx.path === BUNDLE_PATH) {
      const { content, version } = await load();
      ctx.state.route = BUNDLE_PATH;
      ctx.set('x-content-type-options', 'nosniff');
      ctx.set('cache-control', ctx.query.v === version ? 'public, max-age=31536000, immutable' : 'no-cache');
      await sendStatic(ctx, BUNDLE_PATH, content, compressed);
      return;
    }
    return next();
  };
}
