import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { OrgRole, Permission, Role } from '../rbac.ts';
import type { Join } from '../services/AccessService.ts';

/** Who is calling and in which organization, established only from a verified credential. */
export interface AuthContext {
  via: 'token' | 'session' | 'api_key';
  userId: string;
  superAdmin: boolean;
  /** The organizations the user belongs to, with their role in each. */
  orgs: Record<string, OrgRole>;
  /** The current organization: the token's, the session's login org, or `x-org-id`. */
  orgId: string | null;
  role: Role | null;
  permissions: Permission[];
  teamIds: string[];
  /** The API key's id, when one authenticated the request (its user is the key's creator). */
  apiKeyId?: string;
  /** The session cookie's value, for the routes that act on the session itself. */
  sessionId?: string;
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
}

export type AppContext = ParameterizedContext<AppState>;
