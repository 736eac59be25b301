import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

const ORG_ROLES = "('org_owner', 'org_admin', 'team_lead', 'team_member', 'read_only')";

/**
 * Users, memberships, sessions, pending logins and token signing keys. `memberships` is the first
 * org-scoped table: row level security, forced even for the owner, shows a transaction only the
 * rows of the org (or, read-only, of the user) it named with set_config (see withTenant).
 */
export const identity: Migration = {
  name: '0002_identity',
  async up(db) {
    await db.raw(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Keyed by the identity provider's (issuer, subject), never by email: emails change hands.
        issuer text NOT NULL,
        subject text NOT NULL,
        email text,
        email_verified boolean NOT NULL DEFAULT false,
        name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (issuer, subject)
      )`);
    await db.raw(`
      CREATE TABLE memberships (
        org_id text NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ${ORG_ROLES}),
        source text NOT NULL CHECK (source IN ('domain', 'invitation', 'manual')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, user_id)
      )`);
    await db.raw('CREATE INDEX memberships_user ON memberships (user_id)');
    await rowsOfOrganization(db, 'memberships');
    // "Which organizations does this user belong to" reads across orgs, but only that user's rows
    // and only for reading: a user context can never write into an organization.
    await db.raw(`
      CREATE POLICY memberships_of_user ON memberships FOR SELECT
        USING (user_id::text = current_setting('guardian.user_id', true))`);
    await db.raw(`
      CREATE TABLE sessions (
        -- SHA-256 of the cookie's value: a copy of this table logs nobody in.
        id_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        issuer text NOT NULL,
        -- The organization whose own identity provider signed the user in, if any.
        login_org_id text,
        email text,
        email_verified boolean NOT NULL,
        groups jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.raw('CREATE INDEX sessions_user ON sessions (user_id)');
    await db.raw('CREATE INDEX sessions_expiry ON sessions (expires_at)');
    await db.raw(`
      CREATE TABLE pending_logins (
        id_hash bytea PRIMARY KEY,
        state text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        org_id text,
        issuer text NOT NULL,
        return_to text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.raw('CREATE INDEX pending_logins_expiry ON pending_logins (expires_at)');
    await db.raw(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL CHECK (alg = 'ES256'),
        public_jwk jsonb NOT NULL,
        -- AES-256-GCM with GUARDIAN_ENCRYPTION_KEY, the kid as associated data.
        private_jwk_sealed text NOT NULL,
        publish_at timestamptz NOT NULL,
        activate_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (activate_at >= publish_at)
      )`);
  },
  async down(db) {
    for (const table of ['signing_keys', 'pending_logins', 'sessions', 'memberships', 'users']) {
      await db.raw('DROP TABLE IF EXISTS ??', [table]);
    }
  },
};
