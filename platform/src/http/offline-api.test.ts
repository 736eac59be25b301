import { describe, expect, it } from 'vitest';
import { offlineApi, offlineOpenApiDocument } from './offline-api.ts';

describe('the offline Api', () => {
  it('registers every route without a database, a cluster or a configuration', () => {
    const routes = offlineApi().operations.map((operation) => `${operation.method} ${operation.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'get /auth/login',
        'post /auth/token',
        'get /auth/me',
        'get /usage',
        'get /audit',
        'get /tenants/organizations/{org_id}',
        'get /tenants/members',
        'get /tenants/teams',
        'get /openapi.json',
        'get /admin/backups',
        'post /admin/backups/{backup_id}/restore',
      ]),
    );
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('declares the path parameters of templated paths, as OpenAPI requires', () => {
    const document = offlineOpenApiDocument() as {
      paths: Record<
        string,
        Record<string, { parameters?: Array<{ name: string; in: string; required: boolean }> }>
      >;
    };
    expect(document.paths['/tenants/teams/{team_id}/members/{kind}/{name}']?.put?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'team_id', in: 'path', required: true }),
        expect.objectContaining({ name: 'kind', in: 'path', required: true }),
        expect.objectContaining({ name: 'name', in: 'path', required: true }),
      ]),
    );
    expect(document.paths['/auth/login']?.get?.parameters?.map((parameter) => parameter.name)).toEqual([
      'org',
      'return_to',
      'invitation',
    ]);
  });
});
