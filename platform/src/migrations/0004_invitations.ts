import type { Migration } from './index.ts';
import { rowsOfOrganization } from './row-security.ts';

/**
 * Invitations by email: org-scoped like memberships. The link carries a signed id; the row says
 * whether it is still pending (not accepted, revoked or expired), so each link works once.
 * A pending login remembers the invitation it was started with, for the callback to accept.
 */
export const invitations: Migration = {
  name: '0004_invitations',
  async up(db) {
    await db.raw(`
      CREATE TABLE invitations (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
        org_id text NOT NULL,
        email text NOT NULL CHECK (email = lower(email)),
        role text NOT NULL CHECK (role IN ('org_owner', 'org_admin', 'team_lead', 'team_member', 'read_only')),
        invited_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
        revoked_at timestamptz
      )`);
    await db.raw('CREATE INDEX invitations_org ON invitations (org_id)');
    await rowsOfOrganization(db, 'invitations');
    await db.raw('ALTER TABLE pending_logins ADD COLUMN invitation text');
  },
  async down(db) {
    await db.raw('ALTER TABLE pending_logins DROP COLUMN IF EXISTS invitation');
    await db.raw('DROP TABLE IF EXISTS invitations');
  },
};
