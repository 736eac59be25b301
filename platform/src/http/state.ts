import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { OrgRole, Permission, Role } from '../rbac.ts';

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
}

export type AppContext = ParameterizedContext<AppState>;
