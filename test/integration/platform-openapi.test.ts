import { describe, expect, it } from 'vitest';
import { offlineOpenApiDocument } from '../../platform/src/http/offline-api.ts';
import { platformSuite } from '../support/platform-suite.ts';

describe('the OpenAPI document built offline (make generate: the console’s API types)', () => {
  const api = platformSuite({ plans: [], organizations: [] });

  it('is the document the running platform serves, route for route and schema for schema', async () => {
    const served = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(served.paths).length).toBeGreaterThan(20);
    expect(served).toEqual(offlineOpenApiDocument(api.url));
  });
});
