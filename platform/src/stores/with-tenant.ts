import type { Knex } from 'knex';

export interface TenantScope {
  orgId?: string;
  userId?: string;
  /** Authentication by API key: only that key's row, before its organization is known. */
  apiKeyId?: string;
}

/**
 * The one way to touch org-scoped tables: a transaction whose first statement names the tenant
 * for row level security. The settings are transaction-local (`set_config(..., true)`), so a
 * pooled connection never carries one request's tenant into the next; a query outside this sees
 * no rows at all.
 */
export function withTenant<T>(
  db: Knex,
  scope: TenantScope,
  fn: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  if (scope.orgId === undefined && scope.userId === undefined && scope.apiKeyId === undefined) {
    throw new Error('withTenant needs an orgId, a userId or an apiKeyId');
  }
  return db.transaction(async (trx) => {
    await trx.raw(
      "select set_config('guardian.org_id', ?, true), set_config('guardian.user_id', ?, true), set_config('guardian.api_key_id', ?, true)",
      [scope.orgId ?? '', scope.userId ?? '', scope.apiKeyId ?? ''],
    );
    return fn(trx);
  });
}
