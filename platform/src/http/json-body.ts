import type { Middleware } from 'koa';
import { ValidationError } from '../services/errors.ts';
import { PayloadTooLarge, UnsupportedMediaType } from './errors.ts';
import type { AppState } from './state.ts';

declare module 'koa' {
  interface Request {
    /** The parsed JSON body; undefined when the request had none. */
    body?: unknown;
  }
}

/** Parses JSON request bodies, and nothing else, up to `limit` bytes. */
export function jsonBody(limit = 64 * 1024): Middleware<AppState> {
  return async (ctx, next) => {
    const length = Number(ctx.get('content-length') || 0);
    const chunked = ctx.get('transfer-encoding') !== '';
    if (length === 0 && !chunked) return next();
    if (!ctx.is('application/json')) throw new UnsupportedMediaType();
    if (length > limit) throw new PayloadTooLarge(limit);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new PayloadTooLarge(limit);
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      ctx.request.body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ValidationError(
        [{ field: '', message: 'is not valid JSON' }],
        'The request body is not valid JSON',
      );
    }
    return next();
  };
}
