import type { Knex } from 'knex';
import { appRoleGrants } from './0001_app_role_grants.ts';
import { identity } from './0002_identity.ts';
import { apiKeys } from './0003_api_keys.ts';
import { invitations } from './0004_invitations.ts';
import { usageLedger } from './0100_usage_ledger.ts';
import { auditLog } from './0101_audit_log.ts';
import { usageLedgerByPeriod } from './0102_usage_ledger_by_period.ts';
import { auditHeadSignature } from './0103_audit_head_signature.ts';
import { usageRefunds } from './0104_usage_refunds.ts';
import { auditKeys } from './0105_audit_keys.ts';
import { workflowSlots } from './0106_workflow_slots.ts';
import { webhooks } from './0107_webhooks.ts';
import { analyticsRollups } from './0110_analytics_rollups.ts';
import { saasFigures } from './0111_saas_figures.ts';

export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/** Migrations are plain modules listed here in order, so they load the same with or without a build. */
function migrationsFor(appRole: string): Migration[] {
  return [
    appRoleGrants(appRole),
    identity,
    apiKeys,
    invitations,
    usageLedger,
    auditLog(appRole),
    usageLedgerByPeriod,
    auditHeadSignature,
    usageRefunds,
    auditKeys(appRole),
    workflowSlots,
    webhooks,
    analyticsRollups,
    saasFigures(appRole),
  ];
}

/** The names of the platform's migrations, oldest first (a restore knows which schemas it can take). */
export const PLATFORM_MIGRATIONS: readonly string[] = migrationsFor('guardian_app').map((m) => m.name);

export function platformMigrations(appRole: string): Knex.MigrationSource<Migration> {
  const migrations = migrationsFor(appRole);
  return {
    getMigrations: async () => migrations,
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}
