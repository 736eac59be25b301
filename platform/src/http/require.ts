import type { Middleware } from 'koa';
import type { Permission } from '../rbac.ts';
import { ForbiddenError, UnauthenticatedError } from '../services/errors.ts';
import type { AppState, AuthContext } from './state.ts';

/** The caller must be authenticated (by a session cookie only, for `session`). */
export function requireAuth(kind: 'session' | 'any'): Middleware<AppState> {
  return (ctx, next) => {
    const auth = ctx.state.auth;
    if (!auth) throw new UnauthenticatedError();
    if (kind === 'session' && auth.via !== 'session') {
      throw new UnauthenticatedError('This operation needs a browser session (log in at /auth/login)');
    }
    return next();
  };
}

/**
 * The caller's role in the current organization must grant `permission` (rbac.ts, MATRIX; an API
 * key's never include PEOPLE_ONLY).
 */
export function requirePermission(permission: Permission): Middleware<AppState> {
  return (ctx, next) => {
    const auth = ctx.state.auth;
    if (!auth) throw new UnauthenticatedError();
    checkPermission(auth, permission);
    return next();
  };
}

/** Throws unless `auth`'s role in its current organization grants `permission` (as requirePermission). */
export function checkPermission(auth: AuthContext, permission: Permission): void {
  if (auth.orgId === null && !auth.superAdmin) {
    throw new ForbiddenError(
      `No organization is selected (send x-org-id, or get a token for one); ${permission} needs one`,
    );
  }
  if (auth.role === null || !auth.permissions.includes(permission)) {
    const keys = auth.via === 'api_key' && auth.role !== null ? ' to API keys' : '';
    throw new ForbiddenError(`Your role (${auth.role ?? 'none'}) does not grant ${permission}${keys}`);
  }
}
