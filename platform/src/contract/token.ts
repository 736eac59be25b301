import { z } from 'zod';
import { ORG_ROLES, PERMISSIONS, ROLES, TEAM_ROLES } from '../rbac.ts';
import { contract } from './registry.ts';

export const orgId = z
  .string()
  .min(1)
  .max(30)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be an organization name (a DNS label)' });

export const TokenRequest = contract(
  'TokenRequest',
  z.strictObject({
    /** The organization the token acts in; one the user belongs to. Default: the login's. */
    org_id: orgId.optional(),
  }),
);
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = contract(
  'TokenResponse',
  z.strictObject({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
  }),
);
export type TokenResponse = z.infer<typeof TokenResponse>;

/** The claims of a platform access token, checked again after the signature verified. */
export const TokenClaims = contract(
  'TokenClaims',
  z.object({
    iss: z.string(),
    aud: z.union([z.string(), z.array(z.string())]),
    sub: z.uuid(),
    user_id: z.uuid(),
    org_id: orgId.nullable(),
    role: z.enum(ROLES).nullable(),
    team_ids: z.array(z.string()),
    permissions: z.array(z.enum(PERMISSIONS)),
    orgs: z.record(z.string(), z.enum(ORG_ROLES)),
    // Tokens issued before teams were resolved carry none.
    teams: z.record(z.string(), z.array(z.string())).default({}),
    // Each org's {team: team role}; tokens issued before team roles were carried lead no team.
    team_roles: z.record(z.string(), z.record(z.string(), z.enum(TEAM_ROLES))).default({}),
    super_admin: z.boolean(),
    iat: z.number().int(),
    nbf: z.number().int(),
    exp: z.number().int(),
    jti: z.string(),
  }),
);
export type TokenClaims = z.infer<typeof TokenClaims>;

export const Jwks = contract('Jwks', z.object({ keys: z.array(z.record(z.string(), z.unknown())) }));
