import { z } from 'zod';
import { ORG_ROLES, PERMISSIONS, ROLES } from '../rbac.ts';
import { contract } from './registry.ts';
import { orgId } from './token.ts';

/** Only same-origin paths: an open redirect after login would hand sessions to phishing pages. */
const returnPath = z
  .string()
  .max(512)
  .regex(/^\/(?![/\\])[^\s]*$/, { error: 'must be a path on this site, starting with a single /' });

export const LoginQuery = contract(
  'LoginQuery',
  z.strictObject({
    org: orgId
      .optional()
      .describe('Log in to this organization (through its own identity provider if it has one)'),
    return_to: returnPath.optional().describe('Where to go after the login; default /auth/me'),
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
