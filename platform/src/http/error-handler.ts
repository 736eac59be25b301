import type { Middleware } from 'koa';
import { HttpProblem } from './errors.ts';
import { logError } from './log-error.ts';
import type { AppState } from './state.ts';

export const PROBLEM_JSON = 'application/problem+json';

/**
 * The one place errors become responses: typed problems keep their status and detail, anything
 * else is a 500 that says only that, with the request id to find the logged cause.
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpProblem(404, 'Not Found', `No route for ${ctx.method} ${ctx.path}`);
      }
      if (ctx.status === 405 && ctx.body === undefined) {
        throw new HttpProblem(405, 'Method Not Allowed', `${ctx.method} is not allowed on ${ctx.path}`, {
          headers: { allow: String(ctx.response.get('allow')) },
        });
      }
    } catch (error) {
      const problem =
        error instanceof HttpProblem
          ? error
          : new HttpProblem(500, 'Internal Server Error', 'The server failed to handle the request');
      if (problem.status >= 500) ctx.state.log?.error({ error: logError(error) }, 'Request failed');
      else ctx.state.log?.debug({ error: logError(error) }, 'Request refused');
      ctx.status = problem.status;
      ctx.set(problem.headers);
      ctx.type = PROBLEM_JSON;
      ctx.body = {
        type: 'about:blank',
        title: problem.title,
        status: problem.status,
        detail: problem.detail,
        instance: ctx.state.requestId ? `urn:guardian:request:${ctx.state.requestId}` : undefined,
        ...(problem.errors ? { errors: problem.errors } : {}),
      };
    }
  };
}
