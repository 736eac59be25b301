import { SUBSCRIPTION_ACTIONS } from '../saas/history.ts';
import type { Migration } from './index.ts';

const actions = SUBSCRIPTION_ACTIONS.map((action) => `'${action}'`).join(', ');

/**
 * What the instance's SaaS figures read. `subscription_entries()` returns every organization's plan
 * and lifecycle entries (never other entries, never other fields): audit_log's row security shows
 * the app role one organization at a time, so the function runs as the owner, with a setting only it
 * turns on, for its own query, under which one more policy lets the owner read those actions. Outside
 * the function the owner sees no chain either; the app role may execute it and gains no other view.
 * `acquisition_spend` holds what super admins enter per month, for the acquisition cost.
 */
export function saasFigures(appRole: string): Migration {
  return {
    name: '0111_saas_figures',
    async up(db) {
      await db.raw(
        `CREATE INDEX audit_log_subscriptions ON audit_log (org_id, seq) WHERE action IN (${actions})`,
      );
      await db.raw(
        `CREATE POLICY audit_log_subscriptions ON audit_log FOR SELECT TO CURRENT_USER
           USING (current_setting('guardian.subscriptions', true) = 'on' AND action IN (${actions}))`,
      );
      // The setting opens the owner's policy for this function's query alone (a function's own
      // SET clause may not name a custom setting without superuser rights, hence set_config).
      await db.raw(`
        CREATE FUNCTION subscription_entries()
        RETURNS TABLE (org_id text, at timestamptz, action text, plan text, created_at text)
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          PERFORM set_config('guardian.subscriptions', 'on', true);
          RETURN QUERY
            SELECT l.org_id, l.at, l.action,
                   coalesce(l.detail->>'plan', l.detail->>'plan_type', l.detail->>'to'),
                   l.detail->>'createdAt'
            FROM audit_log l WHERE l.action IN (${actions}) ORDER BY l.org_id, l.seq;
          PERFORM set_config('guardian.subscriptions', '', true);
        END
        $$`);
      await db.raw('REVOKE ALL ON FUNCTION subscription_entries() FROM PUBLIC');
      await db.raw('GRANT EXECUTE ON FUNCTION subscription_entries() TO ??', [appRole]);
      await db.raw(`
        CREATE TABLE acquisition_spend (
          month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
          currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
          amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text NOT NULL,
          PRIMARY KEY (month, currency)
        )`);
    },
    async down(db) {
      await db.raw('DROP TABLE IF EXISTS acquisition_spend');
      await db.raw('DROP FUNCTION IF EXISTS subscription_entries()');
      await db.raw('DROP POLICY IF EXISTS audit_log_subscriptions ON audit_log');
      await db.raw('DROP INDEX IF EXISTS audit_log_subscriptions');
    },
  };
}
