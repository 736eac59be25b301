import type { Member } from '../contract/members.ts';
import { can, mayGrant, type OrgRole } from '../rbac.ts';
import type { MemberRecord, MembershipStore } from '../stores/MembershipStore.ts';
import { type Actor, currentOrg, currentRole } from './actor.ts';
import { ConflictError, ForbiddenError, NotFoundError } from './errors.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';

/**
 * The members of the organization the actor acts in: membership rows (domain signup, invitations, role changes) and
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

  async list(actor: Actor): Promise<Member[]> {
    const orgId = currentOrg(actor);
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

  /** Changes a member's role (`role`) or removes them (null); returns the role they held. */
  async change(actor: Actor, userId: string, role: OrgRole | null): Promise<OrgRole> {
    const orgId = currentOrg(actor);
    const actorRole = currentRole(actor);
    if (role !== null && !mayGrant(actorRole, role)) {
      throw new ForbiddenError(`Your role (${actorRole}) may not grant ${role}`);
    }
    const rows = await this.memberships.list(orgId);
    const target = rows.find((row) => row.userId === userId);
    if (!target) throw new NotFoundError('No such member');
    const specOwner = this.isSpecOwner(orgId, target);
    // Taking a role away is as strong an act as granting it: only owners touch owners.
    if ((target.role === 'org_owner' || specOwner) && !can(actorRole, 'owners:manage')) {
      throw new ForbiddenError(`Your role (${actorRole}) does not grant owners:manage`);
    }
    if (specOwner && role !== 'org_owner') {
      throw new ConflictError(
        'This member owns the organization through its owners list; change owners on the organization',
      );
    }
    const outcome = await this.memberships.change(
      orgId,
      userId,
      role,
      this.org(orgId).spec.owners?.length ?? 0,
    );
    if (outcome === 'missing') throw new NotFoundError('No such member');
    if (outcome === 'last-owner') throw new ConflictError('The organization would be left without an owner');
    return outcome.previous;
  }

  private org(orgId: string) {
    const org = this.directory.get(orgId);
    if (!org) throw new NotFoundError('No such organization');
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
