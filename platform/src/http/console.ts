import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Middleware } from 'koa';
import { isConsolePath } from '../contract/console.ts';
import type { AppContext, AppState } from './state.ts';

/** The console's policy: its own scripts and styles only, nothing inline, never framed. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Where `npm run build --workspace @guardian/web` puts the console: web/dist of this installation. */
export const BUILT_CONSOLE = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Vite's hashed output: a name changes whenever its content does, so it may be cached for good. */
const ASSET = /^\/assets\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Worth compressing, and small enough to keep compressed in memory (assets never change).
const COMPRESSIBLE = /\.(?:js|css|svg|json|html|txt|map)$/;
const MAX_CACHED_BYTES = 4 * 1024 * 1024;

export interface ConsoleOptions {
  /** The built console: Vite's output directory (web/dist). */
  dir: string;
}

/**
 * Which API routes a path has: API paths always win over console pages, whatever the method (a
 * GET on an API path that takes only POST is the API's 405, not a page).
 */
export interface RouteMatcher {
  match(path: string, method: string): { path: readonly unknown[] };
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guardian: the console is not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>The console is not built</h1>
<p>This checkout has not built the web console yet. The API is up: see <a href="/openapi.json">/openapi.json</a>.</p>
<p>Build the console with <code>npm run build --workspace @guardian/web</code>, or run <code>make dev</code>,
which builds it and rebuilds it on every change; then reload this page.</p></body></html>
`;

function securityHeaders(ctx: AppContext): void {
  ctx.set('content-security-policy', CONSOLE_CSP);
  ctx.set('x-content-type-options', 'nosniff');
}

/**
 * Serves the built console (Vite's output): a console page (a GET accepting text/html for a
 * console path that no API route answers) gets the single-page app's HTML, never cached without
 * revalidation; `/assets/*` are hashed and cached for a year. Everything else passes on to the
 * API, which keeps its own answers (problem+json 404 included). Mounted before authentication,
 * the rate limiter and the audit trail: the console's files are public and cost no API call.
 */
export function consolePages(options: ConsoleOptions, api: RouteMatcher): Middleware<AppState> {
  const compressed = new Map<string, Buffer>();
  let index: { mtimeMs: number; html: Buffer; etag: string } | undefined;

  async function indexHtml(): Promise<typeof index> {
    const file = join(options.dir, 'index.html');
    const info = await stat(file).catch(() => undefined);
    if (!info) return undefined;
    if (index?.mtimeMs !== info.mtimeMs) {
      const html = await readFile(file);
      index = {
        mtimeMs: info.mtimeMs,
        html,
        etag: `"${createHash('sha256').update(html).digest('base64url')}"`,
      };
    }
    return index;
  }

  async function page(ctx: AppContext): Promise<void> {
    ctx.state.route = '/{console page}';
    securityHeaders(ctx);
    ctx.set('cache-control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    const built = await indexHtml();
    if (!built) {
      ctx.status = 503;
      ctx.body = NOT_BUILT;
      return;
    }
    ctx.etag = built.etag;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = built.html;
  }

  async function asset(ctx: AppContext): Promise<boolean> {
    const file = join(options.dir, ctx.path);
    const content = await readFile(file).catch(() => undefined);
    if (!content) return false;
    ctx.state.route = '/assets/{file}';
    securityHeaders(ctx);
    ctx.set('cache-control', IMMUTABLE);
    ctx.type = ctx.path.slice(ctx.path.lastIndexOf('.'));
    ctx.vary('accept-encoding');
    const encoding = COMPRESSIBLE.test(ctx.path) ? ctx.acceptsEncodings('br', 'gzip', 'identity') : false;
    if ((encoding === 'br' || encoding === 'gzip') && content.length <= MAX_CACHED_BYTES) {
      const key = `${encoding}:${file}`;
      let body = compressed.get(key);
      if (!body) {
        body =
          encoding === 'br'
            ? brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
            : gzipSync(content, { level: 9 });
        compressed.set(key, body);
      }
      ctx.set('content-encoding', encoding);
      ctx.body = body;
    } else {
      ctx.body = content;
    }
    return true;
  }

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || api.match(ctx.path, ctx.method).path.length > 0) {
      return next();
    }
    if (ASSET.test(ctx.path)) {
      if (await asset(ctx)) return;
      return next();
    }
    if (isConsolePath(ctx.path) && ctx.accepts('html') === 'html') return page(ctx);
    return next();
  };
}
