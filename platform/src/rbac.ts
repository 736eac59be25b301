/**
 * The permission matrix: one declaration of what each role may do, used by the API
 * (`requirePermission`), the console, and the operator's Kubernetes RBAC builders.
 */
export const ROLES = [
  'super_admin',
  'org_owner',
  'org_admin',
  'team_lead',
  'team_member',
  'read_only',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles a person can hold in one organization (super admin is instance-wide). */
export const ORG_ROLES = ['org_owner', 'org_admin', 'team_lead', 'team_member', 'read_only'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Roles a person can hold in one Team (`Team.spec.members[].role`). */
export const TEAM_ROLES = ['team_lead', 'team_member', 'read_only'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const PERMISSIONS = [
  'platform:admin', // every organization, plans, instance settings
  'org:read',
  'org:update', // display name, branding, environments, SSO
  'org:delete',
  'members:read',
  'members:manage', // invite, change roles up to one's own, remove
  'owners:manage', // grant or revoke org_owner
  'teams:read',
  'teams:manage', // create, change and delete teams and their members
  'agents:read',
  'agents:run',
  'chat:use',
  'workflows:read',
  'workflows:create',
  'workflows:approve',
  'workflows:cancel',
  'analytics:read',
  'usage:read',
  'audit:read',
  'audit:verify', // verify the hash chain (reads all of it: answers are cached per chain head)
  'apikeys:manage',
  'webhooks:manage', // endpoints, their delivery log and redeliveries
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  'org:read',
  'members:read',
  'teams:read',
  'agents:read',
  'workflows:read',
  'usage:read',
];
const MEMBER: Permission[] = [...READ, 'agents:run', 'chat:use', 'workflows:create'];
const LEAD: Permission[] = [
  ...MEMBER,
  'teams:manage',
  'workflows:approve',
  'workflows:cancel',
  'analytics:read',
];
const ADMIN: Permission[] = [
  ...LEAD,
  'org:update',
  'members:manage',
  'audit:read',
  'audit:verify',
  'apikeys:manage',
  'webhooks:manage',
];
const OWNER: Permission[] = [...ADMIN, 'org:delete', 'owners:manage'];

export const MATRIX: Readonly<Record<Role, readonly Permission[]>> = {
  super_admin: PERMISSIONS,
  org_owner: OWNER,
  org_admin: ADMIN,
  team_lead: LEAD,
  team_member: MEMBER,
  // Stakeholders and auditors: everything visible, nothing changeable. They read agents, runs and
  // findings (agents:read) but do not run agents (agents:run): a run spends the organization's
  // plan units (agentExecutionsPerMonth), which is a decision for people who work on its workloads.
  read_only: [...READ, 'analytics:read', 'audit:read'],
};

/**
 * Permissions a role holds only on the Teams its holder leads (`team_lead` in that Team), not on
 * every Team of the organization: a team lead who could edit any Team could make themselves a lead
 * of another and approve its runs. Kubernetes RBAC grants these to nobody of the role (the
 * organization-wide ClusterRole cannot name one Team); the API checks the Team (TeamService).
 */
export const LED_TEAMS_ONLY: Readonly<Partial<Record<Role, readonly Permission[]>>> = {
  team_lead: ['teams:manage'],
};

/** Whether `role` holds `permission` only on the Teams its holder leads. */
export function onlyOnLedTeams(role: Role, permission: Permission): boolean {
  return LED_TEAMS_ONLY[role]?.includes(permission) ?? false;
}

/** The highest of a person's roles in one Team (they may be named as a User and by Groups). */
export function highestTeamRole(roles: readonly TeamRole[]): TeamRole | undefined {
  return TEAM_ROLES.find((role) => roles.includes(role));
}

/**
 * What an API key never holds, whatever its role: keys have no scopes, and verifying the audit
 * trail is for the people who manage it (a leaked CI key must not be able to load the database).
 */
export const PEOPLE_ONLY: readonly Permission[] = ['audit:verify'];

/** The permissions of an API key with `role`. */
export function apiKeyPermissionsOf(role: Role): Permission[] {
  return permissionsOf(role).filter((permission) => !PEOPLE_ONLY.includes(permission));
}

export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return [...MATRIX[role]];
}

/** Higher is stronger: a user's role in an org is the highest of its sources. */
export function rank(role: Role): number {
  return ROLES.length - ROLES.indexOf(role);
}

export function highest(roles: Role[]): Role | undefined {
  return roles.reduce<Role | undefined>(
    (best, role) => (best === undefined || rank(role) > rank(best) ? role : best),
    undefined,
  );
}

/** Whether `actor` may give someone `target` (never above its own role; owners only by owners). */
export function mayGrant(actor: Role, target: Role): boolean {
  if (target === 'super_admin') return false;
  if (target === 'org_owner') return can(actor, 'owners:manage');
  return can(actor, 'members:manage') && rank(target) <= rank(actor);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
