import type { Knex } from 'knex';
import type { OrgRole } from '../rbac.ts';
import { withTenant } from './with-tenant.ts';

export interface ApiKey {
  id: string;
  orgId: string;
  name: string;
  role: OrgRole;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  org_id: string;
  name: string;
  role: OrgRole;
  secret_hash: Buffer;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  orgId: row.org_id,
  name: row.name,
  role: row.role,
  createdBy: row.created_by,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** API keys; every query runs inside withTenant, so row level security applies. */
export class ApiKeyStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  create(
    orgId: string,
    key: { id: string; name: string; role: OrgRole; secretHash: Buffer; createdBy: string },
  ): Promise<ApiKey> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const [row] = await trx<ApiKeyRow>('api_keys')
        .insert({
          id: key.id,
          org_id: orgId,
          name: key.name,
          role: key.role,
          secret_hash: key.secretHash,
          created_by: key.createdBy,
        })
        .returning('*');
      if (!row) throw new Error('Could not store the API key');
      return toApiKey(row as ApiKeyRow);
    });
  }

  list(orgId: string): Promise<ApiKey[]> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const rows = await trx<ApiKeyRow>('api_keys').where({ org_id: orgId }).orderBy('created_at');
      return rows.map(toApiKey);
    });
  }

  /** True if an active key was revoked. */
  revoke(orgId: string, id: string): Promise<boolean> {
    return withTenant(this.db, { orgId }, async (trx) => {
      const count = await trx('api_keys')
        .where({ org_id: orgId, id })
        .whereNull('revoked_at')
        .update({ revoked_at: trx.fn.now() });
      return count > 0;
    });
  }

  /** The key with its hash, for authentication, which does not know the organization yet. */
  findForAuthentication(id: string): Promise<(ApiKey & { secretHash: Buffer }) | undefined> {
    return withTenant(this.db, { apiKeyId: id }, async (trx) => {
      const row = await trx<ApiKeyRow>('api_keys').where({ id }).first();
      return row ? { ...toApiKey(row), secretHash: row.secret_hash } : undefined;
    });
  }

  /** Records a use at `now`, at most once a minute per key whatever the number of replicas. */
  touch(orgId: string, id: string, now: Date): Promise<void> {
    return withTenant(this.db, { orgId }, async (trx) => {
      await trx('api_keys')
        .where({ org_id: orgId, id })
        .andWhere((query) =>
          query.whereNull('last_used_at').orWhere('last_used_at', '<=', new Date(now.getTime() - 60_000)),
        )
        .update({ last_used_at: now });
    });
  }
}
