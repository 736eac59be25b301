import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { HttpProblem } from './errors.ts';
import type { AppState } from './state.ts';

/**
 * Answers requests no operation takes before anything reads their body or credentials: 404 for a
 * path the API does not have, 405 with `Allow` for a method its path does not take. OPTIONS goes
 * on to the router, which answers it with `Allow`.
 */
export function routeGuard(router: Router<AppState>): Middleware<AppState> {
  return (ctx, next) => {
    if (ctx.method === 'OPTIONS') return next();
    const matched = router.match(ctx.path, ctx.method);
    if (matched.route) return next();
    const methods = [...new Set(matched.path.flatMap((layer) => layer.methods))].sort();
    if (methods.length === 0)
      throw new HttpProblem(404, 'Not Found', `No route for ${ctx.method} ${ctx.path}`);
    throw new HttpProblem(405, 'Method Not Allowed', `${ctx.method} is not allowed on ${ctx.path}`, {
      headers: { allow: methods.join(', ') },
    });
  };
}
