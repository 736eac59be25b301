import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';

/**
 * Seats taken in an organization: the distinct users with a membership plus the distinct emails
 * with a pending invitation (not accepted, revoked or expired). The one definition, used to
 * report and to enforce `teamMembers`. Owners and group-mapped users who never logged in have no
 * membership row and take no seat until they do.
 */
export async function seatsUsed(db: Knex, orgId: string): Promise<number> {
  const count = async (trx: Knex.Transaction) => {
    const result = await trx.raw<{ rows: Array<{ n: number }> }>(
      `SELECT (SELECT count(DISTINCT user_id) FROM memberships WHERE org_id = ?)::integer
            + (SELECT count(DISTINCT email) FROM invitations
               WHERE org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now())::integer
              AS n`,
      [orgId, orgId],
    );
    return result.rows[0]?.n ?? 0;
  };
  // Inside a caller's transaction (enforcing a seat limit as someone joins) or in one of its own.
  return db.isTransaction ? count(db as Knex.Transaction) : withTenant(db, { orgId }, count);
}

/** Thrown (rolling the transaction back) when taking a seat would exceed the plan's teamMembers. */
export class NoFreeSeat extends Error {
  readonly orgId: string;
  readonly limit: number;

  constructor(orgId: string, limit: number) {
    super(`All ${limit} seats of organization ${orgId} are taken`);
    this.name = 'NoFreeSeat';
    this.orgId = orgId;
    this.limit = limit;
  }
}

/** The first key of the advisory locks that serialize seat-taking (the second is the org's hash). */
const SEAT_LOCK = 0x5ea7;

/**
 * Runs `take` (which adds a membership or a pending invitation) in `trx`, refusing with NoFreeSeat
 * when it raised the seats above `limit` (null: unlimited). A transaction-scoped advisory lock per
 * organization serializes every seat-taker of the org (any replica) from the count before to the
 * commit, so concurrent joins cannot both take the last seat. A change that takes no new seat
 * (accepting an invitation, which already held one) passes even over a since-lowered limit.
 */
export async function takeSeat<T>(
  trx: Knex.Transaction,
  orgId: string,
  limit: number | null,
  take: () => Promise<T>,
): Promise<T> {
  if (limit === null) return take();
  await trx.raw('SELECT pg_advisory_xact_lock(?, hashtext(?))', [SEAT_LOCK, orgId]);
  const before = await seatsUsed(trx, orgId);
  const result = await take();
  const after = await seatsUsed(trx, orgId);
  if (after > before && after > limit) throw new NoFreeSeat(orgId, limit);
  return result;
}

/** `work`'s result, or 'no-seat' when it rolled back for want of a seat. */
export async function orNoSeat<T>(work: Promise<T>): Promise<T | 'no-seat'> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NoFreeSeat) return 'no-seat';
    throw error;
  }
}
