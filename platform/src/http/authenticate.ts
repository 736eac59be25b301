import type { Middleware } from 'koa';
import type { AuthRefusal, RefusalRecorder } from '../audit/refusals.ts';
import { orgId as orgIdSchema } from '../contract/token.ts';
import { apiKeyPermissionsOf, permissionsOf, type Role } from '../rbac.ts';
import type { AccessService } from '../services/AccessService.ts';
import { type ApiKeyService, isApiKey, RevokedApiKeyError } from '../services/ApiKeyService.ts';
import { auditActor } from '../services/actor.ts';
import { ForbiddenError, UnauthenticatedError } from '../services/errors.ts';
import type { OrganizationDirectory } from '../services/OrganizationDirectory.ts';
import type { SessionService } from '../services/SessionService.ts';
import type { TokenService } from '../services/TokenService.ts';
import { getCookie } from './cookies.ts';
import type { AppContext, AppState, AuthContext } from './state.ts';

export interface AuthenticateOptions {
  tokens: TokenService;
  sessions: SessionService;
  access: AccessService;
  directory: OrganizationDirectory;
  apiKeys: Pick<ApiKeyService, 'verify'>;
  sessionCookie: string;
  /** The origin browsers use; cookie-authenticated writes from any other origin are refused. */
  publicOrigin: string;
  /** Told of each refused credential (bad token or key, revoked key, suspended organization). */
  onRefused?: RefusalRecorder;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Writes a member may still send while their organization is pending deletion: sessions, and restoring it. */
const ALLOWED_WHILE_PENDING = /^\/(auth\/|tenants\/organizations\/[^/]+\/restore$)/;

/**
 * Establishes `ctx.state.auth` from a bearer token or a session cookie, never from anything the
 * caller merely says: `x-org-id` must name one of the caller's organizations (any, for a super
 * admin) and `x-user-id`, if sent, must be the caller. A present but invalid credential is 401
 * whatever the route; routes that need a caller say so (requireAuth, requirePermission).
 */
export function authenticate(options: AuthenticateOptions): Middleware<AppState> {
  return async (ctx, next) => {
    const authorization = ctx.get('authorization');
    let base: Omit<AuthContext, 'permissions'> | undefined;
    if (authorization) {
      const token = BEARER.exec(authorization)?.[1];
      try {
        if (!token) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
        base = await fromBearer(options, token);
      } catch (error) {
        options.onRefused?.(ctx as AppContext, bearerRefusal(error, token));
        throw error;
      }
    } else {
      const sessionId = getCookie(ctx as AppContext, options.sessionCookie);
      const active = sessionId ? await options.sessions.resolve(sessionId) : undefined;
      if (sessionId && active) {
        if (!SAFE_METHODS.has(ctx.method)) refuseCrossSite(ctx as AppContext, options.publicOrigin);
        const access = await options.access.access(active.identity);
        const orgId = usableLoginOrganization(options.directory, active.session.loginOrgId, access);
        base = {
          via: 'session',
          userId: active.identity.userId,
          superAdmin: access.superAdmin,
          orgs: access.orgs,
          orgId,
          role: roleIn(orgId, access.orgs, access.superAdmin),
          teamIds: orgId === null ? [] : (access.teams[orgId] ?? []),
          teams: access.teams,
          teamRoles: access.teamRoles ?? {},
          sessionId,
        };
      }
    }
    if (base) {
      const tenant = selectTenant(ctx as AppContext, base);
      if (tenant.orgId !== null && options.directory.get(tenant.orgId)?.spec.suspended) {
        options.onRefused?.(ctx as AppContext, {
          reason: 'organization_suspended',
          orgId: tenant.orgId,
          actor: auditActor(tenant),
        });
      }
      options.directory.requireActive(tenant.orgId);
      if (!tenant.superAdmin && !SAFE_METHODS.has(ctx.method) && !ALLOWED_WHILE_PENDING.test(ctx.path)) {
        options.directory.requireWritable(tenant.orgId);
      }
      const granted = tenant.via === 'api_key' ? apiKeyPermissionsOf : permissionsOf;
      ctx.state.auth = { ...tenant, permissions: tenant.role === null ? [] : granted(tenant.role) };
    }
    return next();
  };
}

/** What a refused bearer credential was: an API key (revoked, or not one at all) or a token. */
function bearerRefusal(error: unknown, token: string | undefined): AuthRefusal {
  if (error instanceof RevokedApiKeyError) {
    return { reason: 'api_key_revoked', orgId: error.orgId, target: error.keyId };
  }
  return { reason: token !== undefined && isApiKey(token) ? 'bad_api_key' : 'bad_token' };
}

/** A platform access token (JWT), or an API key bound to one organization and role. */
async function fromBearer(
  options: AuthenticateOptions,
  token: string,
): Promise<Omit<AuthContext, 'permissions'>> {
  if (isApiKey(token)) {
    // `orgs` holds only the key's organization, so x-org-id cannot take it anywhere else.
    const key = await options.apiKeys.verify(token);
    return {
      via: 'api_key',
      userId: key.userId,
      superAdmin: false,
      orgs: { [key.orgId]: key.role },
      orgId: key.orgId,
      role: key.role,
      // A key acts for the organization, not for its creator's teams.
      teamIds: [],
      teams: {},
      apiKeyId: key.keyId,
    };
  }
  const claims = await options.tokens.verify(token);
  return {
    via: 'token',
    userId: claims.sub,
    superAdmin: claims.super_admin,
    orgs: claims.orgs,
    orgId: claims.org_id,
    role: claims.role,
    teamIds: claims.team_ids,
    teams: claims.teams,
    teamRoles: claims.team_roles,
  };
}

function roleIn(orgId: string | null, orgs: Record<string, Role>, superAdmin: boolean): Role | null {
  if (superAdmin) return 'super_admin';
  return orgId === null ? null : (orgs[orgId] ?? null);
}

/** Applies `x-user-id` and `x-org-id`, which may narrow or switch the tenant but never widen it. */
function selectTenant(
  ctx: AppContext,
  base: Omit<AuthContext, 'permissions'>,
): Omit<AuthContext, 'permissions'> {
  const userId = ctx.get('x-user-id');
  if (userId && userId !== base.userId)
    throw new ForbiddenError('x-user-id does not match the authenticated user');
  const requested = ctx.get('x-org-id');
  if (!requested) return base;
  const parsed = orgIdSchema.safeParse(requested);
  if (!parsed.success || (base.orgs[parsed.data] === undefined && !base.superAdmin)) {
    throw new ForbiddenError('x-org-id names an organization you do not belong to');
  }
  return {
    ...base,
    orgId: parsed.data,
    role: roleIn(parsed.data, base.orgs, base.superAdmin),
    teamIds: base.teams[parsed.data] ?? [],
  };
}

/**
 * The organization a session logged in to, while the user may still act in it. One deleted or
 * suspended since, or left, is no default: it must not lock its user out of logging in again,
 * logging out and their other organizations (naming it in x-org-id is still refused).
 */
function usableLoginOrganization(
  directory: OrganizationDirectory,
  loginOrgId: string | null,
  access: { superAdmin: boolean; orgs: Record<string, unknown> },
): string | null {
  if (loginOrgId === null) return null;
  const org = directory.get(loginOrgId);
  if (!org || org.spec.suspended) return null;
  return access.superAdmin || access.orgs[loginOrgId] !== undefined ? loginOrgId : null;
}

/** A cookie-authenticated write must come from our own origin (SameSite=Lax is the first line). */
function refuseCrossSite(ctx: AppContext, publicOrigin: string): void {
  const origin = ctx.get('origin');
  const site = ctx.get('sec-fetch-site');
  if ((origin && origin !== publicOrigin) || site === 'cross-site') {
    throw new ForbiddenError('Cross-site requests may not use the session cookie');
  }
}
