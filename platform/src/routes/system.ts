import { Health } from '../contract/auth.ts';
import { Jwks } from '../contract/token.ts';
import { openApiDocument } from '../http/openapi.ts';
import type { Api } from '../http/operation.ts';
import type { SigningKeyService } from '../services/SigningKeyService.ts';

export interface SystemRouteDeps {
  /** Named checks that must all pass for /readyz. */
  readiness: Record<string, () => Promise<boolean>>;
  keys: SigningKeyService;
  publicUrl: string;
  version: string;
}

async function passes(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}

export function systemRoutes(api: Api, deps: SystemRouteDeps): void {
  api.mount(
    {
      method: 'get',
      path: '/healthz',
      tag: 'system',
      summary: 'The process is up',
      responses: { 200: { description: 'Up', schema: Health } },
    },
    (ctx) => {
      ctx.body = { status: 'ok', checks: {} };
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/readyz',
      tag: 'system',
      summary: 'Ready for traffic: the database answers and the Organization informer has synced',
      responses: {
        200: { description: 'Ready', schema: Health },
        503: {
          description: 'Not ready; checks says which failed',
          schema: Health,
          contentType: 'application/json',
        },
      },
    },
    async (ctx) => {
      const names = Object.keys(deps.readiness);
      const results = await Promise.all(Object.values(deps.readiness).map(passes));
      const checks = Object.fromEntries(names.map((name, index) => [name, results[index] === true]));
      const ready = results.every(Boolean);
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ok' : 'unavailable', checks };
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      tag: 'auth',
      summary: 'The public keys that verify platform access tokens (including the next one)',
      responses: { 200: { description: 'A JSON Web Key Set', schema: Jwks } },
    },
    (ctx) => {
      // Well below the head start a new key gets, so caches always hold it before it signs.
      ctx.set('cache-control', `public, max-age=${Math.floor(Math.min(300, deps.keys.tokenTtlMs / 2000))}`);
      ctx.body = deps.keys.jwks();
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'system',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1' } },
    },
    (ctx) => {
      ctx.body = openApiDocument(api.operations, { version: deps.version, serverUrl: deps.publicUrl });
    },
  );
}
