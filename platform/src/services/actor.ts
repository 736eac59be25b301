import { can, type OrgRole, type Permission, type Role, rank, type TeamRole } from '../rbac.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

/**
 * Who acts, as every service sees it: built by the HTTP layer from a verified credential (a
 * route's `input.actor`), later by Slack, the CLI or MCP from theirs. Services take it instead of
 * anything of HTTP, and decide with the functions below:
 *
 *   const orgId = currentOrg(actor);                    // where it acts; 403 when none is selected
 *   const role = requireIn(actor, orgId, 'agents:run'); // another org: 404 if not theirs, 403 if too weak
 *   await audit.append({ orgId, actor: auditActor(actor), action: 'agents.run', ... });
 *
 * A route's `permission` (rbac.ts) has already been checked in the current organization.
 */
export interface Actor {
  /** The platform user: the person, or the creator of the API key that authenticated. */
  readonly userId: string;
  readonly superAdmin: boolean;
  /** The organization it acts in (the token's, the session's, or `x-org-id`); null: none selected. */
  readonly orgId: string | null;
  /** Its role in `orgId` (`super_admin` for super admins); null without one. */
  readonly role: Role | null;
  /** Every organization the user belongs to, with their role in each (an API key: its own only). */
  readonly orgs: Readonly<Record<string, OrgRole>>;
  /** The teams it belongs to in `orgId` (Team members by verified email or group, as of its login). */
  readonly teamIds: readonly string[];
  /** Its teams in each of `orgs`, so that switching organizations (x-org-id) switches them too. */
  readonly teams: Readonly<Record<string, readonly string[]>>;
  /** Its role in each of those teams, per organization (absent: it leads no team anywhere). */
  readonly teamRoles?: Readonly<Record<string, Readonly<Record<string, TeamRole>>>>;
  /** Set when an API key authenticated the request: it acts with the key's role, not its creator's. */
  readonly apiKeyId?: string;
}

/** The organization the actor acts in; 403 when none is selected. */
export function currentOrg(actor: Actor): string {
  if (actor.orgId === null) {
    throw new ForbiddenError('No organization is selected (send x-org-id, or get a token for one)');
  }
  return actor.orgId;
}

/** The actor's role in the organization it acts in (`super_admin` for super admins); 403 without one. */
export function currentRole(actor: Actor): Role {
  currentOrg(actor);
  if (actor.role === null) throw new ForbiddenError('You have no role in this organization');
  return actor.role;
}

/** The actor's role in `orgId`, which need not be the one it acts in. */
export function roleIn(actor: Actor, orgId: string): Role | null {
  if (actor.superAdmin) return 'super_admin';
  return actor.orgs[orgId] ?? null;
}

/**
 * Requires `permission` in `orgId`. An organization the actor does not belong to is 404, the same
 * answer as one that does not exist, so ids of other tenants reveal nothing (404 details of the
 * tenant API never echo ids, so the two answers are byte for byte alike).
 */
export function requireIn(actor: Actor, orgId: string, permission: Permission): Role {
  const role = roleIn(actor, orgId);
  if (role === null) throw new NotFoundError('No such organization');
  if (!can(role, permission)) throw new ForbiddenError(`Your role (${role}) does not grant ${permission}`);
  return role;
}

/** The actor's role in Team `teamId` of the organization it acts in; undefined: not a member. */
export function teamRoleOf(actor: Pick<Actor, 'orgId' | 'teamRoles'>, teamId: string): TeamRole | undefined {
  return actor.orgId === null ? undefined : actor.teamRoles?.[actor.orgId]?.[teamId];
}

/**
 * Requires that the actor may manage Team `teamId`: org_admins and owners every Team, team leads
 * (LED_TEAMS_ONLY) only a Team they lead. The route checked teams:manage already.
 */
export function requireTeamManager(actor: Actor, teamId: string | undefined): void {
  const role = currentRole(actor);
  if (rank(role) >= rank('org_admin')) return;
  if (teamId !== undefined && teamRoleOf(actor, teamId) === 'team_lead') return;
  throw new ForbiddenError(
    teamId === undefined
      ? 'Team leads manage only the teams they lead; creating a team needs an org_admin'
      : 'Team leads manage only the teams they lead; you do not lead this one',
  );
}

/** Requires a super admin: `what` completes "Only super admins ..." in the 403. */
export function requireSuperAdmin(actor: Pick<Actor, 'superAdmin'>, what: string): void {
  if (!actor.superAdmin) throw new ForbiddenError(`Only super admins ${what}`);
}

/** Who the audit trail names: `apikey:<id>` when an API key acted, else the user id. */
export function auditActor(actor: Pick<Actor, 'userId' | 'apiKeyId'>): string {
  return actor.apiKeyId ? `apikey:${actor.apiKeyId}` : actor.userId;
}
