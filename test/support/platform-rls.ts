// One row in each org-scoped table of the tenant API (memberships, API keys, invitations), for the
// row level security test; tables of other modules (usage, audit) get the structural checks.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from '../../platform/src/db.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';

type Seeder = (trx: Knex.Transaction, orgId: string, userId: string) => Promise<unknown>;

const SEEDERS: Record<string, Seeder> = {
  memberships: (trx, orgId, userId) =>
    trx('memberships').insert({ org_id: orgId, user_id: userId, role: 'team_member', source: 'manual' }),
  api_keys: (trx, orgId, userId) =>
    trx('api_keys').insert({
      id: randomBytes(8).toString('hex'),
      org_id: orgId,
      name: 'rls',
      role: 'read_only',
      secret_hash: randomBytes(32),
      created_by: userId,
    }),
  invitations: (trx, orgId, userId) =>
    trx('invitations').insert({
      id: randomBytes(16).toString('hex'),
      org_id: orgId,
      email: 'rls@example.com',
      role: 'read_only',
      invited_by: userId,
      expires_at: new Date(Date.now() + 3_600_000),
    }),
};

export const seededTables = () => Object.keys(SEEDERS).sort();

export async function seedTenantRows(db: Knex, orgId: string): Promise<void> {
  const [user] = await db('users')
    .insert({ issuer: 'https://it.invalid', subject: randomUUID() })
    .returning('id');
  const userId = (user as { id: string }).id;
  await withTenant(db, { orgId }, async (trx) => {
    for (const seed of Object.values(SEEDERS)) await seed(trx, orgId, userId);
  });
}
