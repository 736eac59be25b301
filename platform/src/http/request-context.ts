import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { PlatformMetrics } from './metrics.ts';
import type { AppState } from './state.ts';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request id (the caller's `x-request-id` when it is sane, else a new one, echoed back), a
 * logger that carries it, one log line and the metrics per request. Only the path is logged:
 * query strings may hold authorization codes.
 */
export function requestContext(log: Logger, metrics: PlatformMetrics): Middleware<AppState> {
  return async (ctx, next) => {
    const offered = ctx.get('x-request-id');
    const requestId = SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    ctx.set('x-request-id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = ctx.state.route ?? 'unmatched';
      metrics.observe(ctx.method, route, ctx.status, seconds);
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, route, status: ctx.status, ms: Math.round(seconds * 1000) },
        'Handled request',
      );
    }
  };
}
