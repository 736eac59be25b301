import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/AuditLog.ts';
import { logError } from '../http/log-error.ts';
import { currentPeriod } from '../quota/limits.ts';
import type { OrganizationDirectory } from '../services/OrganizationDirectory.ts';
import type { OrganizationService } from '../services/OrganizationService.ts';
import { auditQuotaThresholds } from './quota.ts';
import { rollupOrganization } from './rollup.ts';

export interface AnalyticsJobDeps {
  db: Knex;
  directory: Pick<OrganizationDirectory, 'list'>;
  organizations: Pick<OrganizationService, 'quotas'>;
  audit: AuditLog;
  log: Logger;
}

/** The scheduled job's name (scheduled_job_ticks.job). */
export const ANALYTICS_JOB = 'analytics-rollup';

/**
 * One run of the analytics job: for each organization, its daily rollup up to yesterday, then
 * its quota thresholds. An organization that fails is logged and retried at the next tick; the
 * others go on.
 */
export function analyticsJob(deps: AnalyticsJobDeps): (now: Date) => Promise<void> {
  return async (now) => {
    for (const org of deps.directory.list()) {
      const orgId = org.metadata?.name ?? '';
      try {
        await rollupOrganization(deps.db, orgId, now);
        const { quota } = await deps.organizations.quotas(org);
        await auditQuotaThresholds(deps.audit, orgId, currentPeriod(org, now), quota);
      } catch (error) {
        deps.log.error({ error: logError(error), organization: orgId }, 'Could not roll up analytics');
      }
    }
  };
}
