import { type ApiDeps, mountApi } from '../app.ts';
import { governanceRoutes } from '../governance.ts';
import { GUARDIAN_VERSION } from '../version.ts';
import { openApiDocument } from './openapi.ts';
import type { Api } from './operation.ts';

/**
 * A stand-in for a service that is never called: reading any property gives another stand-in
 * (route registrations may take fields apart), calling one throws.
 */
function unavailable<T>(name: string, known: Record<string, unknown> = {}): T {
  const fail = () => {
    throw new Error(`${name} is not available: this Api only describes the platform's routes`);
  };
  const stand = new Proxy(fail, {
    get: (_, key) =>
      typeof key === 'symbol' ? undefined : key in known ? known[key] : unavailable(`${name}.${key}`),
    apply: fail,
  });
  return stand as T;
}

/**
 * Every route the platform serves, registered without a database, a cluster, a configuration or
 * a server: the same `mountApi` the app uses, with services that are never called.
 */
export function offlineApi(): Api {
  return mountApi(
    unavailable<ApiDeps>('the platform', {
      governance: { routes: (api: Api) => governanceRoutes(api, unavailable('governance')) },
    }),
  );
}

/** The OpenAPI document /openapi.json serves, built offline (for `make generate`). */
export function offlineOpenApiDocument(serverUrl = 'http://127.0.0.1:8080'): Record<string, unknown> {
  return openApiDocument(offlineApi().operations, { version: GUARDIAN_VERSION, serverUrl });
}
