import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * API keys: `gdn_<id>_<secret>`, stored as the SHA-256 of the whole key, bound to one
 * organization and one role. Org-scoped like memberships; authentication, which knows only the
 * key's id, may read that one row (guardian.api_key_id) and nothing else.
 */
export const apiKeys: Migration = {
  name: '0003_api_keys',
  async up(db) {
    await db.raw(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
        org_id text NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
        role text NOT NULL CHECK (role IN ('org_owner', 'org_admin', 'team_lead', 'team_member', 'read_only')),
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        -- A key acts for its creator; it goes when they do.
        created_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await db.raw('CREATE INDEX api_keys_org ON api_keys (org_id)');
    await rowsOfOrganization(db, 'api_keys');
    await db.raw(`
      CREATE POLICY api_keys_by_id ON api_keys FOR SELECT
        USING (id = current_setting('guardian.api_key_id', true))`);
  },
  async down(db) {
    await db.raw('DROP TABLE IF EXISTS api_keys');
  },
};
