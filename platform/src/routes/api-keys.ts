import { ApiKeyList, CreateApiKey, CreatedApiKey } from '../contract/api-keys.ts';
import { type Api, problem } from '../http/operation.ts';
import { type ApiKeyService, apiKeyView } from '../services/ApiKeyService.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Your role does not grant apikeys:manage, or the key’s role is above yours'),
  404: problem('No such active key in the current organization'),
};

export function apiKeyRoutes(api: Api, service: ApiKeyService): void {
  const base = { tag: 'api-keys', auth: 'any' as const, permission: 'apikeys:manage' as const };

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/tenants/api-keys',
      summary: 'Create an API key for the current organization (the key is shown only in this answer)',
      body: CreateApiKey,
      responses: {
        201: {
          description: 'The key',
          schema: CreatedApiKey,
          identifies: { path: '/tenants/api-keys/{key_id}', parameter: 'key_id', field: 'id' },
        },
        400: problem('Invalid input'),
        ...refusals,
      },
    },
    async (ctx, { body, actor }) => {
      const { key, secret } = await service.create(actor, body);
      ctx.status = 201;
      ctx.set('cache-control', 'no-store');
      ctx.body = CreatedApiKey.parse({ ...apiKeyView(key), key: secret });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/tenants/api-keys',
      summary: 'The API keys of the current organization (never their secrets)',
      responses: { 200: { description: 'Keys', schema: ApiKeyList }, ...refusals },
    },
    async (ctx, { actor }) => {
      const keys = await service.list(actor);
      ctx.body = ApiKeyList.parse({ api_keys: keys.map(apiKeyView) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'delete',
      path: '/tenants/api-keys/{key_id}',
      summary: 'Revoke an API key (at once, on every replica)',
      responses: { 204: { description: 'Revoked' }, ...refusals },
    },
    async (ctx, { params, actor }) => {
      await service.revoke(actor, params.key_id ?? '');
      ctx.status = 204;
    },
  );
}
