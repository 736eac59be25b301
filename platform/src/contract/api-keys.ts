import { z } from 'zod';
import { ORG_ROLES } from '../rbac.ts';
import { contract } from './registry.ts';
import { line } from './text.ts';

export const CreateApiKey = contract(
  'CreateApiKey',
  z.strictObject({
    name: line(128),
    role: z.enum(ORG_ROLES).describe('At most your own role'),
  }),
);
export type CreateApiKey = z.infer<typeof CreateApiKey>;

export const ApiKeyView = contract(
  'ApiKey',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    role: z.enum(ORG_ROLES),
    created_by: z.uuid(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  }),
);
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export const CreatedApiKey = contract(
  'CreatedApiKey',
  z.strictObject({
    ...ApiKeyView.shape,
    key: z.string().describe('gdn_<id>_<secret>: shown this once, stored only as a SHA-256'),
  }),
);

export const ApiKeyList = contract('ApiKeyList', z.strictObject({ api_keys: z.array(ApiKeyView) }));
