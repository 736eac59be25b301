import type { Organization } from '@guardian/crds/generated';
import { highest, highestTeamRole, type OrgRole, type TeamRole } from '../rbac.ts';
import type { MembershipStore } from '../stores/MembershipStore.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';
import type { TeamDirectory } from './TeamDirectory.ts';

/** Who the identity provider said the user is, as of their login. */
export interface Identity {
  userId: string;
  issuer: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
}

export interface Access {
  superAdmin: boolean;
  /** The organizations the user may act in, with their role in each. */
  orgs: Record<string, OrgRole>;
  /** In each of `orgs`, the Teams whose members name the user (absent: none). */
  teams: Record<string, string[]>;
  /** In each of `orgs`, the user's role in each of those Teams (the highest its entries give);
   * absent (a token minted from another source): the user leads no Team. */
  teamRoles?: Record<string, Record<string, TeamRole>>;
}

/** A membership a login created, or was refused because the plan's seats were all taken. */
export interface Join {
  orgId: string;
  userId: string;
  email: string | null;
  /** The role joined with (null: an invitation refused before its role was read). */
  role: OrgRole | null;
  via: 'domain' | 'invitation';
  /** The invitation accepted (its id only: the signed link is the secret). */
  invitationId?: string;
  admitted: boolean;
  /** The plan's teamMembers when it was applied (null: unlimited). */
  seatLimit: number | null;
}

export interface DomainSignup {
  /** Memberships created, and ones refused for want of a seat. */
  joins: Join[];
  /** Organizations the user's email domain would have joined, had the email been verified. */
  refusedUnverified: string[];
}

/** The role a domain signup grants (organizations may configure another one later). */
export const DOMAIN_SIGNUP_ROLE: OrgRole = 'team_member';

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * A user's role in an organization is the highest of: `spec.owners` (a User by verified email, a
 * Group by the groups claim), `spec.sso.groupRoles` (only when signed in through the org's own
 * identity provider), and their membership row. Emails and groups count only when asserted by the
 * org's trusted issuer; super admins are verified emails of the default issuer.
 */
/** What access needs of the directory and the membership store (tests pass plain objects). */
export type OrganizationView = Pick<
  OrganizationDirectory,
  'list' | 'get' | 'plan' | 'ssoEnabled' | 'trustedIssuer' | 'claimingDomain'
>;
export type MembershipView = Pick<MembershipStore, 'forUser' | 'addIfAbsent'>;
export type TeamView = Pick<TeamDirectory, 'list'>;

export class AccessService {
  private readonly directory: OrganizationView;
  private readonly memberships: MembershipView;
  private readonly teams: TeamView;
  private readonly defaultIssuer: string;
  private readonly superAdmins: ReadonlySet<string>;

  constructor(options: {
    directory: OrganizationView;
    memberships: MembershipView;
    teams: TeamView;
    defaultIssuer: string;
    superAdmins: readonly string[];
  }) {
    this.directory = options.directory;
    this.memberships = options.memberships;
    this.teams = options.teams;
    this.defaultIssuer = options.defaultIssuer;
    this.superAdmins = new Set(options.superAdmins.map((email) => email.toLowerCase()));
  }

  isSuperAdmin(identity: Identity): boolean {
    return (
      identity.issuer === this.defaultIssuer &&
      identity.emailVerified &&
      identity.email !== null &&
      this.superAdmins.has(identity.email.toLowerCase())
    );
  }

  /**
   * Whether a `User` (a verified email) or `Group` (the groups claim) entry of `org` names this
   * identity: only as asserted by the org's trusted issuer, so another issuer's "alice" is not
   * this org's. How owners and Team members are matched.
   */
  private names(org: Organization, identity: Identity): (subject: { kind: string; name: string }) => boolean {
    if (identity.issuer !== this.directory.trustedIssuer(org, this.defaultIssuer)) return () => false;
    const email = identity.emailVerified ? identity.email?.toLowerCase() : undefined;
    const groups = new Set(identity.groups);
    return (subject) =>
      subject.kind === 'User'
        ? email !== undefined && subject.name.toLowerCase() === email
        : groups.has(subject.name);
  }

  /** The role `spec` alone gives this identity in `org`. */
  specRole(org: Organization, identity: Identity): OrgRole | undefined {
    if (identity.issuer !== this.directory.trustedIssuer(org, this.defaultIssuer)) return undefined;
    const roles: OrgRole[] = [];
    const groups = new Set(identity.groups);
    const named = this.names(org, identity);
    for (const owner of org.spec.owners ?? []) {
      if (named(owner)) roles.push('org_owner');
    }
    if (this.directory.ssoEnabled(org)) {
      for (const mapping of org.spec.sso?.groupRoles ?? []) {
        if (groups.has(mapping.group)) roles.push(mapping.role);
      }
    }
    return highest(roles) as OrgRole | undefined;
  }

  /** Every organization the user may act in now. Suspended and deleted organizations are left out. */
  async access(identity: Identity): Promise<Access> {
    const candidates = new Map<string, OrgRole[]>();
    const add = (orgId: string, role: OrgRole) =>
      candidates.set(orgId, [...(candidates.get(orgId) ?? []), role]);
    for (const membership of await this.memberships.forUser(identity.userId))
      add(membership.orgId, membership.role);
    for (const org of this.directory.list()) {
      const role = this.specRole(org, identity);
      const orgId = org.metadata?.name;
      if (role && orgId) add(orgId, role);
    }
    const orgs: Record<string, OrgRole> = {};
    const teams: Record<string, string[]> = {};
    const teamRoles: Record<string, Record<string, TeamRole>> = {};
    for (const [orgId, roles] of [...candidates].sort(([a], [b]) => a.localeCompare(b))) {
      const org = this.directory.get(orgId);
      const role = highest(roles) as OrgRole | undefined;
      if (!org || org.spec.suspended || !role) continue;
      orgs[orgId] = role;
      const named = this.names(org, identity);
      const mine: Record<string, TeamRole> = {};
      for (const team of this.teams.list(orgId)) {
        const roles = (team.spec.members ?? []).filter(named).map((member) => member.role ?? 'team_member');
        const teamRole = highestTeamRole(roles);
        if (teamRole) mine[team.metadata?.name ?? ''] = teamRole;
      }
      if (Object.keys(mine).length > 0) {
        teams[orgId] = Object.keys(mine);
        teamRoles[orgId] = mine;
      }
    }
    return { superAdmin: this.isSuperAdmin(identity), orgs, teams, teamRoles };
  }

  /**
   * Domain-based signup: a verified email whose domain an organization claims joins it (through
   * that org's trusted issuer only). An unverified email never joins: anyone can type any address.
   * Joining takes a seat: when the plan's teamMembers are all taken, the user is refused.
   */
  async signUpByDomain(identity: Identity): Promise<DomainSignup> {
    const result: DomainSignup = { joins: [], refusedUnverified: [] };
    if (identity.email === null) return result;
    for (const org of this.directory.claimingDomain(domainOf(identity.email))) {
      const orgId = org.metadata?.name;
      // A suspended organization takes no one in (its members cannot use it either).
      if (!orgId || org.spec.suspended) continue;
      if (identity.issuer !== this.directory.trustedIssuer(org, this.defaultIssuer)) continue;
      if (!identity.emailVerified) {
        result.refusedUnverified.push(orgId);
        continue;
      }
      const seatLimit = this.directory.plan(org)?.spec.teamMembers ?? null;
      const outcome = await this.memberships.addIfAbsent(
        orgId,
        identity.userId,
        DOMAIN_SIGNUP_ROLE,
        'domain',
        seatLimit,
      );
      if (outcome === 'member') continue;
      result.joins.push({
        orgId,
        userId: identity.userId,
        email: identity.email,
        role: DOMAIN_SIGNUP_ROLE,
        via: 'domain',
        admitted: outcome === 'added',
        seatLimit,
      });
    }
    return result;
  }
}
