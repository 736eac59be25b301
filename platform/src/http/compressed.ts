import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AppContext } from './state.ts';

// Worth compressing, and small enough to keep compressed in memory (static files never change).
const COMPRESSIBLE = /\.(?:js|css|svg|json|html|txt|map)$/;
const MAX_CACHED_BYTES = 8 * 1024 * 1024;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Answers with a static file's content, brotli or gzip when the client accepts it, compressed once
 * per file and encoding and kept in `cache` (the files the platform serves never change while it
 * runs: the built console and the API reference's bundle). Compression runs in libuv's thread pool,
 * not on the event loop: the API reference's bundle is megabytes.
 */
export async function sendStatic(
  ctx: AppContext,
  file: string,
  content: Buffer,
  cache: Map<string, Buffer>,
): Promise<void> {
  ctx.type = file.slice(file.lastIndexOf('.'));
  ctx.vary('accept-encoding');
  const encoding = COMPRESSIBLE.test(file) ? ctx.acceptsEncodings('br', 'gzip', 'identity') : false;
  if ((encoding !== 'br' && encoding !== 'gzip') || content.length > MAX_CACHED_BYTES) {
    ctx.body = content;
    return;
  }
  const key = `${encoding}:${file}`;
  let body = cache.get(key);
  if (!body) {
    body =
      encoding === 'br'
        ? await brotli(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
        : await gzipped(content, { level: 9 });
    cache.set(key, body);
  }
  ctx.set('content-encoding', encoding);
  ctx.body = body;
}
