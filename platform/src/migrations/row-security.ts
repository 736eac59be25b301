import type { Knex } from 'knex';

/**
 * Row security by organization: rows of `table` are visible and writable only where `org_id` is the
 * transaction's `guardian.org_id` (stores/with-tenant.ts sets it), for the owner too (FORCE). The
 * policy is `<table>_of_org`; a table may add narrower policies of its own beside it.
 */
export async function rowsOfOrganization(db: Knex, table: string): Promise<void> {
  await db.raw('ALTER TABLE ?? ENABLE ROW LEVEL SECURITY', [table]);
  await db.raw('ALTER TABLE ?? FORCE ROW LEVEL SECURITY', [table]);
  await db.raw(
    `CREATE POLICY ?? ON ??
       USING (org_id = current_setting('guardian.org_id', true))
       WITH CHECK (org_id = current_setting('guardian.org_id', true))`,
    [`${table}_of_org`, table],
  );
}
