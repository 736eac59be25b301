import type { AuditLog } from '../audit/AuditLog.ts';
import type { BillingPeriod } from '../quota/period.ts';
import type { QuotaName } from '../services/OrganizationService.ts';

/** The utilizations (percent) at which a quota is reported, once per billing period each. */
export const QUOTA_THRESHOLDS = [80, 100] as const;
const HOUR_MS = 3_600_000;
const MONTHLY: ReadonlySet<QuotaName> = new Set(['agent_executions_per_month', 'workflows_per_month']);

export type Quotas = Record<QuotaName, { limit: number | null; used: number | null }>;

/**
 * What a quota will have used by the end of the billing period at the rate so far: monthly
 * quotas extrapolate linearly from the period's start (at least an hour of it, so a new period's
 * first minutes do not forecast wildly); the others (seats, the hourly limit) are a level, not a
 * rate: their forecast is what is used now.
 */
export function forecast(
  name: QuotaName,
  used: number | null,
  period: BillingPeriod,
  now: Date,
): number | null {
  if (used === null) return null;
  if (!MONTHLY.has(name)) return used;
  const elapsed = Math.max(now.getTime() - period.start.getTime(), HOUR_MS);
  const length = period.end.getTime() - period.start.getTime();
  return Math.round((used * length) / Math.min(elapsed, length));
}

export function withForecasts(quotas: Quotas, period: BillingPeriod, now: Date) {
  return Object.fromEntries(
    Object.entries(quotas).map(([name, { limit, used }]) => [
      name,
      {
        limit,
        used,
        utilization: limit === null || used === null ? null : limit === 0 ? 1 : used / limit,
        forecast: forecast(name as QuotaName, used, period, now),
      },
    ]),
  ) as Record<
    QuotaName,
    { limit: number | null; used: number | null; utilization: number | null; forecast: number | null }
  >;
}

/** The thresholds `used` has reached of `limit` (none when unlimited or not metered). */
export function reached(limit: number | null, used: number | null): number[] {
  if (limit === null || used === null) return [];
  return QUOTA_THRESHOLDS.filter((percent) => used * 100 >= limit * percent);
}

/**
 * Audits each threshold a quota has reached (action `quota.threshold`), once per billing period:
 * the entry's key names the quota, the period and the threshold, so any number of replicas and
 * ticks write it once. Returns the entries written or found.
 */
export async function auditQuotaThresholds(
  audit: AuditLog,
  orgId: string,
  period: BillingPeriod,
  quotas: Quotas,
): Promise<number> {
  let entries = 0;
  for (const [name, { limit, used }] of Object.entries(quotas)) {
    for (const threshold of reached(limit, used)) {
      await audit.append({
        orgId,
        actor: 'system',
        action: 'quota.threshold',
        target: name,
        detail: { quota: name, threshold, used, limit, period: period.key },
        key: `quota.threshold:${name}:${period.key}:${threshold}`,
      });
      entries++;
    }
  }
  return entries;
}
