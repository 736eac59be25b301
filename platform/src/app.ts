import Koa from 'koa';
import type { Logger } from 'pino';
import { type AuthenticateOptions, authenticate } from './http/authenticate.ts';
import { errorHandler } from './http/error-handler.ts';
import { jsonBody } from './http/json-body.ts';
import type { PlatformMetrics } from './http/metrics.ts';
import { Api } from './http/operation.ts';
import { requestContext } from './http/request-context.ts';
import type { AppState } from './http/state.ts';
import { type AuthRouteDeps, authRoutes } from './routes/auth.ts';
import { type SystemRouteDeps, systemRoutes } from './routes/system.ts';
import { tenantRoutes } from './routes/tenant.ts';

export interface AppDeps {
  log: Logger;
  metrics: PlatformMetrics;
  auth: AuthenticateOptions;
  authRoutes: AuthRouteDeps;
  systemRoutes: Omit<SystemRouteDeps, 'metrics'>;
  bodyLimitBytes?: number;
}

/**
 * The Koa application, read top-down: the order of the middleware is the order of a request.
 * The request context wraps the error handler (not the reverse) so that its log line and metrics
 * see the status the error handler chose.
 */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.use(requestContext(deps.log, deps.metrics));
  app.use(errorHandler());
  app.use(jsonBody(deps.bodyLimitBytes));
  app.use(authenticate(deps.auth));

  const api = new Api();
  systemRoutes(api, { ...deps.systemRoutes, metrics: deps.metrics });
  authRoutes(api, deps.authRoutes);
  tenantRoutes(api);
  app.use(api.router.routes());
  app.use(api.router.allowedMethods());
  return app;
}
