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
