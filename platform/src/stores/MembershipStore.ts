import type { Knex } from 'knex';
import type { OrgRole } from '../rbac.ts';
import { withTenant } from './with-tenant.ts';

export type MembershipSource = 'domain' | 'invitation' | 'manual';

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

  /** Adds a membership unless one exists (an existing role is never lowered by a later signup). */
  addIfAbsent(orgId: string, userId: string, role: OrgRole, source: MembershipSource): Promise<boolean> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const inserted = await trx('memberships')
        .insert({ org_id: orgId, user_id: userId, role, source })
        .onConflict(['org_id', 'user_id'])
        .ignore()
        .returning('user_id');
      return inserted.length > 0;
    });
  }
}
