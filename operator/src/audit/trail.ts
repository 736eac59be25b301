import type { Clock } from '@guardian/kube/clock';
import { AuditLog, checkpointKey } from '@guardian/platform/audit';
import type { Knex } from '@guardian/platform/db';

/** Who the audit trail names for what the operator does on its own. */
export const OPERATOR_ACTOR = 'system:operator';

/** What the operator changed in an organization, appended once to that organization's chain. */
export interface OperatorAudit {
  /** Appends an entry; with `key`, once only (a second record with the same key writes nothing). */
  record(
    orgId: string,
    action: string,
    target: string,
    detail?: Record<string, unknown>,
    key?: string,
  ): Promise<void>;
}

/** Records nothing: for controllers built without a platform database (unit tests). */
export const noAudit: OperatorAudit = { record: () => Promise.resolve() };

/**
 * The organizations' audit chains in the platform database (the operator's connection as
 * guardian_app), through the platform's own AuditLog.
 */
export function auditTrail(db: Knex, encryptionKey: Buffer, clock: Clock): OperatorAudit {
  const log = new AuditLog({ db, key: checkpointKey(encryptionKey), clock });
  return {
    async record(orgId, action, target, detail, key) {
      try {
        await log.append({ orgId, actor: OPERATOR_ACTOR, action, target, detail, ...(key ? { key } : {}) });
      } catch (error) {
        throw new Error(`Could not append ${action} to the audit trail of ${orgId}`, { cause: error });
      }
    },
  };
}
