import type { Knex } from 'knex';
import { orNoSeat, takeSeat } from '../quota/seats.ts';
import { type OrgRole, rank } from '../rbac.ts';
import { insertMembership } from './MembershipStore.ts';
import { withTenant } from './with-tenant.ts';

export interface Invitation {
  id: string;
  orgId: string;
  email: string;
  role: OrgRole;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role: OrgRole;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

const toInvitation = (row: InvitationRow): Invitation => ({
  id: row.id,
  orgId: row.org_id,
  email: row.email,
  role: row.role,
  invitedBy: row.invited_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  acceptedAt: row.accepted_at,
  revokedAt: row.revoked_at,
});

/** The role the invitee now holds through the invitation, or why it was not accepted. */
export type AcceptOutcome =
  | { accepted: OrgRole }
  | 'no-seat'
  | 'unknown'
  | 'used'
  | 'expired'
  | 'other-email';

/** Invitations; every query runs inside withTenant, so row level security applies. */
export class InvitationStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /** Stores a pending invitation, which takes a seat within `seatLimit` (null: unlimited). */
  create(
    orgId: string,
    invitation: { id: string; email: string; role: OrgRole; invitedBy: string; expiresAt: Date },
    seatLimit: number | null,
  ): Promise<Invitation | 'no-seat'> {
    return orNoSeat(
      withTenant(this.db, { orgId }, (trx) =>
        takeSeat(trx, orgId, seatLimit, async () => {
          const [row] = await trx<InvitationRow>('invitations')
            .insert({
              id: invitation.id,
              org_id: orgId,
              email: invitation.email,
              role: invitation.role,
              invited_by: invitation.invitedBy,
              expires_at: invitation.expiresAt,
            })
            .returning('*');
          if (!row) throw new Error('Could not store the invitation');
          return toInvitation(row as InvitationRow);
        }),
      ),
    );
  }

  list(orgId: string): Promise<Invitation[]> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const rows = await trx<InvitationRow>('invitations').where({ org_id: orgId }).orderBy('created_at');
      return rows.map(toInvitation);
    });
  }

  /** Removes an invitation that never went out (its mail failed), freeing its seat. */
  discard(orgId: string, id: string): Promise<void> {
    return withTenant(this.db, { orgId }, async (trx) => {
      await trx('invitations').where({ org_id: orgId, id }).whereNull('accepted_at').delete();
    });
  }

  /** Revokes a pending invitation; its email, or undefined when there was none. */
  revoke(orgId: string, id: string): Promise<string | undefined> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const [row] = await trx('invitations')
        .where({ org_id: orgId, id })
        .whereNull('accepted_at')
        .whereNull('revoked_at')
        .update({ revoked_at: trx.fn.now() })
        .returning('email');
      return (row as { email: string } | undefined)?.email;
    });
  }

  /**
   * Accepts a pending invitation for `user` (whose verified email must be the invited one) and
   * gives them its role, keeping a stronger role they already hold; all in one transaction with
   * the invitation locked, so a link works exactly once. Joining takes a seat within `seatLimit`
   * (the invitation held one, so normally no new one is needed).
   */
  accept(
    orgId: string,
    id: string,
    user: { userId: string; email: string },
    now: Date,
    seatLimit: number | null,
  ): Promise<AcceptOutcome> {
    return orNoSeat(
      withTenant(this.db, { orgId }, async (trx) => {
        const row = await trx<InvitationRow>('invitations').where({ org_id: orgId, id }).forUpdate().first();
        if (!row || row.revoked_at !== null) return 'unknown';
        if (row.accepted_at !== null) return 'used';
        if (row.expires_at <= now) return 'expired';
        if (row.email !== user.email.toLowerCase()) return 'other-email';
        return takeSeat(trx, orgId, seatLimit, async () => {
          const existing = await trx('memberships')
            .where({ org_id: orgId, user_id: user.userId })
            .forUpdate()
            .first();
          const held = (existing as { role: OrgRole } | undefined)?.role;
          if (held === undefined) {
            await insertMembership(trx, orgId, user.userId, row.role, 'invitation');
          } else if (rank(row.role) > rank(held)) {
            await trx('memberships')
              .where({ org_id: orgId, user_id: user.userId })
              .update({ role: row.role });
          }
          await trx('invitations')
            .where({ org_id: orgId, id })
            .update({ accepted_at: now, accepted_by: user.userId });
          return { accepted: row.role };
        });
      }),
    );
  }
}
