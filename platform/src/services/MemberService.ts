import type { Member } from '../contract/members.ts';
import { Forbidden, HttpProblem, NotFound } from '../http/errors.ts';
import { can, mayGrant, type OrgRole, type Role } from '../rbac.ts';
import type { MemberRecord, MembershipStore } from '../stores/MembershipStore.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';

/**
 * The members of an organization: membership rows (domain signup, invitations, role changes) and
 * the owners its spec names. A role changes only within `mayGrant`, and never so that the
 * organization is left without an owner.
 */
export class MemberService {
  private readonly directory: OrganizationDirectory;
  private readonly memberships: MembershipStore;
  private readonly defaultIssuer: string;

  constructor(options: {
    directory: OrganizationDirectory;
    memberships: MembershipStore;
    defaultIssuer: string;
  }) {
    this.directory = options.directory;
    this.memberships = options.memberships;
    this.defaultIssuer = options.defaultIssuer;
  }

  async list(orgId: string): Promise<Member[]> {
    const org = this.org(orgId);
    const owners = org.spec.owners ?? [];
    const rows = await this.memberships.list(orgId);
    const members: Member[] = rows.map((row) => {
      const owner = this.isSpecOwner(orgId, row);
      return {
        kind: 'User',
        user_id: row.userId,
        email: row.email,
        name: row.name,
        role: owner ? 'org_owner' : row.role,
        source: owner && row.role !== 'org_owner' ? 'owner' : row.source,
      };
    });
    const seen = new Set(
      rows.filter((row) => this.isSpecOwner(orgId, row)).map((row) => row.email?.toLowerCase()),
    );
    for (const owner of owners) {
      if (owner.kind === 'User' && seen.has(owner.name.toLowerCase())) continue;
      members.push({
        kind: owner.kind,
        user_id: null,
        email: owner.kind === 'User' ? owner.name : null,
        name: owner.kind === 'Group' ? owner.name : null,
        role: 'org_owner',
        source: 'owner',
      });
    }
    return members;
  }

  /**
   * Changes a member's role (`role`) or removes them (null), as `actor` in `orgId`; returns the
   * role they held.
   */
  async change(actor: Role, orgId: string, userId: string, role: OrgRole | null): Promise<OrgRole> {
    if (role !== null && !mayGrant(actor, role)) {
      throw new Forbidden(`Your role (${actor}) may not grant ${role}`);
    }
    const rows = await this.memberships.list(orgId);
    const target = rows.find((row) => row.userId === userId);
    if (!target) throw new NotFound('No such member');
    const specOwner = this.isSpecOwner(orgId, target);
    // Taking a role away is as strong an act as granting it: only owners touch owners.
    if ((target.role === 'org_owner' || specOwner) && !can(actor, 'owners:manage')) {
      throw new Forbidden(`Your role (${actor}) does not grant owners:manage`);
    }
    if (specOwner && role !== 'org_owner') {
      throw new HttpProblem(
        409,
        'Conflict',
        'This member owns the organization through its owners list; change owners on the organization',
      );
    }
    const outcome = await this.memberships.change(
      orgId,
      userId,
      role,
      this.org(orgId).spec.owners?.length ?? 0,
    );
    if (outcome === 'missing') throw new NotFound('No such member');
    if (outcome === 'last-owner') {
      throw new HttpProblem(409, 'Conflict', 'The organization would be left without an owner');
    }
    return outcome.previous;
  }

  private org(orgId: string) {
    const org = this.directory.get(orgId);
    if (!org) throw new NotFound('No such organization');
    return org;
  }

  /** Whether spec.owners names this user, as asserted by the org's trusted identity provider. */
  private isSpecOwner(orgId: string, row: MemberRecord): boolean {
    const org = this.org(orgId);
    const email = row.emailVerified ? row.email?.toLowerCase() : undefined;
    if (email === undefined || row.issuer !== this.directory.trustedIssuer(org, this.defaultIssuer))
      return false;
    return (org.spec.owners ?? []).some(
      (owner) => owner.kind === 'User' && owner.name.toLowerCase() === email,
    );
  }
}
