import { z } from 'zod';
import { ORG_ROLES, PERMISSIONS, ROLES } from '../rbac.ts';
import { consoleReturnPath } from './console.ts';
import { contract } from './registry.ts';
import { orgId } from './token.ts';

export const LoginQuery = contract(
  'LoginQuery',
  z.strictObject({
    org: orgId
      .optional()
      .describe('Log in to this organization (through its own identity provider if it has one)'),
    return_to: consoleReturnPath
      .optional()
      .describe('The console page to land on after the login; default / (which opens the organization)'),
    invitation: z
      .string()
      .max(256)
      .optional()
      .describe('An invitation link’s token: the login accepts it (its organization is implied)'),
  }),
);

export const TenantContext = contract(
  'TenantContext',
  z.strictObject({
    user_id: z.uuid(),
    org_id: orgId.nullable(),
    role: z.enum(ROLES).nullable(),
    permissions: z.array(z.enum(PERMISSIONS)),
    team_ids: z.array(z.string()),
    orgs: z.record(z.string(), z.enum(ORG_ROLES)),
    super_admin: z.boolean(),
    authenticated_by: z.enum(['token', 'session', 'api_key']),
  }),
);
export type TenantContext = z.infer<typeof TenantContext>;

export const Me = contract(
  'Me',
  z.strictObject({
    user: z.strictObject({
      id: z.uuid(),
      issuer: z.string(),
      email: z.string().nullable(),
      email_verified: z.boolean(),
      name: z.string().nullable(),
    }),
    tenant_context: TenantContext,
  }),
);
export type Me = z.infer<typeof Me>;

export const Health = contract(
  'Health',
  z.strictObject({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.boolean()) }),
);
