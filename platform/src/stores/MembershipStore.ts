import type { Knex } from 'knex';
import { orNoSeat, takeSeat } from '../quota/seats.ts';
import { ORG_ROLES, type OrgRole, rank } from '../rbac.ts';
import { emitEvent } from '../webhooks/events.ts';
import { withTenant } from './with-tenant.ts';

export type MembershipSource = 'domain' | 'invitation' | 'manual';

/** A membership with the user it belongs to (users are instance-wide; the join reads no other org). */
export interface MemberRecord extends Membership {
  email: string | null;
  emailVerified: boolean;
  issuer: string;
  name: string | null;
}

/** The role a change replaced, or why there was none. */
export type ChangeOutcome = { previous: OrgRole } | 'missing' | 'last-owner';

export interface Membership {
  orgId: string;
  userId: string;
  role: OrgRole;
  source: MembershipSource;
}

interface MembershipRow {
  org_id: string;
  user_id: string;
  role: OrgRole;
  source: MembershipSource;
}

const toMembership = (row: MembershipRow): Membership => ({
  orgId: row.org_id,
  userId: row.user_id,
  role: row.role,
  source: row.source,
});

/**
 * Makes a membership unless one exists, and emits `member.joined` in the same transaction (the
 * caller's, tenant-scoped), so the event exists exactly when the membership does. True if made.
 */
export async function insertMembership(
  trx: Knex.Transaction,
  orgId: string,
  userId: string,
  role: OrgRole,
  source: MembershipSource,
): Promise<boolean> {
  const inserted = await trx('memberships')
    .insert({ org_id: orgId, user_id: userId, role, source })
    .onConflict(['org_id', 'user_id'])
    .ignore()
    .returning(['user_id', 'created_at']);
  const joined = inserted[0] as { created_at: Date } | undefined;
  if (!joined) return false;
  await emitEvent(trx, orgId, {
    type: 'member.joined',
    // A membership is made once; one removed and made again later is a new join.
    key: `member.joined:${userId}:${joined.created_at.toISOString()}`,
    data: { org_id: orgId, user_id: userId, role, source },
  });
  return true;
}

/** Individual org memberships; every query runs inside withTenant, so row level security applies. */
export class MembershipStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /** The memberships of one user across organizations (the user-scoped, read-only policy). */
  forUser(userId: string): Promise<Membership[]> {
    return withTenant(this.db, { userId }, async (trx) => {
      const rows = await trx<MembershipRow>('memberships').where({ user_id: userId }).orderBy('org_id');
      return rows.map(toMembership);
    });
  }

  get(orgId: string, userId: string): Promise<Membership | undefined> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const row = await trx<MembershipRow>('memberships').where({ org_id: orgId, user_id: userId }).first();
      return row ? toMembership(row) : undefined;
    });
  }

  /**
   * Adds a membership unless one exists (an existing role is never lowered by a later signup),
   * taking a seat within `seatLimit` (the plan's teamMembers, null: unlimited) in the same
   * transaction: 'no-seat' when none is free, and nothing was written.
   */
  addIfAbsent(
    orgId: string,
    userId: string,
    role: OrgRole,
    source: MembershipSource,
    seatLimit: number | null,
  ): Promise<'added' | 'member' | 'no-seat'> {
    return orNoSeat(
      withTenant(this.db, { orgId }, (trx) =>
        takeSeat(trx, orgId, seatLimit, async () =>
          (await insertMembership(trx, orgId, userId, role, source))
            ? ('added' as const)
            : ('member' as const),
        ),
      ),
    );
  }

  /** How many members (users with a membership row) an organization has, and how many own it. */
  count(orgId: string): Promise<{ members: number; owners: number }> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const row = await trx('memberships')
        .where({ org_id: orgId })
        .select(
          trx.raw('count(*)::int as members'),
          trx.raw("count(*) filter (where role = 'org_owner')::int as owners"),
        )
        .first();
      const counts = row as { members: number; owners: number } | undefined;
      return { members: counts?.members ?? 0, owners: counts?.owners ?? 0 };
    });
  }

  list(orgId: string): Promise<MemberRecord[]> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const rows = await trx('memberships')
        .join('users', 'users.id', 'memberships.user_id')
        .where('memberships.org_id', orgId)
        .orderBy('users.email')
        .select('memberships.*', 'users.email', 'users.email_verified', 'users.issuer', 'users.name');
      return rows.map(
        (
          row: MembershipRow & {
            email: string | null;
            email_verified: boolean;
            issuer: string;
            name: string | null;
          },
        ) => ({
          ...toMembership(row),
          email: row.email,
          emailVerified: row.email_verified,
          issuer: row.issuer,
          name: row.name,
        }),
      );
    });
  }

  /**
   * Changes a member's role, or removes the membership (`role` null), unless that would leave the
   * organization without an owner: `otherOwners` counts owners outside this table (spec.owners).
   * The org's owner rows are locked first, so two concurrent demotions cannot both pass the check.
   * The member's API keys stronger than their new role (all of them, when removed) are revoked
   * in the same transaction.
   */
  change(orgId: string, userId: string, role: OrgRole | null, otherOwners: number): Promise<ChangeOutcome> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const owners = await trx('memberships')
        .where({ org_id: orgId, role: 'org_owner' })
        .forUpdate()
        .select('user_id');
      const row = await trx<MembershipRow>('memberships')
        .where({ org_id: orgId, user_id: userId })
        .forUpdate()
        .first();
      if (!row) return 'missing';
      if (row.role === 'org_owner' && role !== 'org_owner' && owners.length - 1 + otherOwners < 1) {
        return 'last-owner';
      }
      const query = trx('memberships').where({ org_id: orgId, user_id: userId });
      await (role === null ? query.delete() : query.update({ role }));
      // API keys act with their creator's authority: what the creator no longer holds, their keys lose.
      const stronger = ORG_ROLES.filter((r) => role === null || rank(r) > rank(role));
      await trx('api_keys')
        .where({ org_id: orgId, created_by: userId })
        .whereIn('role', stronger)
        .whereNull('revoked_at')
        .update({ revoked_at: trx.fn.now() });
      return { previous: row.role };
    });
  }
}
