import { Forbidden, NotFound } from '../http/errors.ts';
import type { AuthContext } from '../http/state.ts';
import { can, type Permission, type Role } from '../rbac.ts';

/** The caller's role in `orgId`, which need not be the request's current organization. */
export function roleIn(auth: AuthContext, orgId: string): Role | null {
  if (auth.superAdmin) return 'super_admin';
  return auth.orgs[orgId] ?? null;
}

/**
 * Requires `permission` in `orgId`. An organization the caller does not belong to is 404, the same
 * answer as one that does not exist, so ids of other tenants reveal nothing (404 details of the
 * tenant API never echo ids, so the two answers are byte for byte alike).
 */
export function requireIn(auth: AuthContext, orgId: string, permission: Permission): Role {
  const role = roleIn(auth, orgId);
  if (role === null) throw new NotFound('No such organization');
  if (!can(role, permission)) throw new Forbidden(`Your role (${role}) does not grant ${permission}`);
  return role;
}

/** The request's current organization, for routes that act in it (teams, members, API keys). */
export function currentOrg(auth: AuthContext): string {
  if (auth.orgId === null) {
    throw new Forbidden('No organization is selected (send x-org-id, or get a token for one)');
  }
  return auth.orgId;
}
