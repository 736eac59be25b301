import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { Permission } from '../rbac.ts';
import type { Join } from '../services/AccessService.ts';
import type { Actor } from '../services/actor.ts';

/**
 * Who is calling and in which organization, established only from a verified credential: the
 * Actor the services see, and what only HTTP needs (how it authenticated, the session).
 */
export interface AuthContext extends Actor {
  via: 'token' | 'session' | 'api_key';
  permissions: Permission[];
  /** The session cookie's value, for the routes that act on the session itself. */
  sessionId?: string;
}

/** The Actor of a request, without what only HTTP needs. */
export function actorOf(auth: AuthContext): Actor {
  const { userId, superAdmin, orgId, role, orgs, teamIds, teams, teamRoles, apiKeyId } = auth;
  return {
    userId,
    superAdmin,
    orgId,
    role,
    orgs,
    teamIds,
    teams,
    ...(teamRoles ? { teamRoles } : {}),
    ...(apiKeyId ? { apiKeyId } : {}),
  };
}

export interface AppState {
  requestId: string;
  log: Logger;
  /** The route template that matched, for metrics and logs (never the raw URL, which may hold codes). */
  route?: string;
  auth?: AuthContext;
  /** What the route did that its response does not show, for the audit trail. */
  outcome?: Outcome;
}

/** Facts a route hands to the audit trail's recorders (audit/recorders/); never a secret. */
export interface Outcome {
  /** The values a change replaced, by the API's field names (null: there was none). */
  before?: Record<string, unknown>;
  /** The email of the invitation the request acted on. */
  email?: string;
  /** Memberships a login created, or was refused for want of a seat. */
  joins?: Join[];
  /** An organization deleted at once (a super admin's ?immediately=true), not pending deletion. */
  immediately?: boolean;
}

export type AppContext = ParameterizedContext<AppState>;

/** A request an operation with `auth` admitted: its caller is known. */
export type AuthedContext = ParameterizedContext<AppState & { auth: AuthContext }>;
