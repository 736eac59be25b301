import type { Organization, OrganizationStatusBackup } from '@guardian/crds/generated';
import { backupId } from '@guardian/platform/backup';
import type { DesiredCondition } from '../runtime/conditions.ts';
import { type Cron, CronError, parseCron } from '../runtime/cron.ts';
import { BACKUP_CONDITION } from './organization.status.ts';

/** Any new value of this annotation on an Organization asks for a backup now. */
export const BACKUP_REQUEST_ANNOTATION = 'guardian.aiops.dev/backup-requested';
/** A backup interrupted (the operator killed) this many times is recorded as failed, not tried again. */
export const MAX_ATTEMPTS = 3;

/** The installation's defaults (the chart's backup.defaults). */
export interface BackupDefaults {
  schedule?: string;
  retention: number;
}

/** What the backup controller does for an organization now. */
export type BackupPlan =
  /** No schedule and no request: nothing. */
  | { kind: 'off' }
  | { kind: 'invalid'; message: string }
  /** Record when the next backup is due (a new or changed schedule); nothing runs yet. */
  | { kind: 'schedule'; nextRun: Date }
  | { kind: 'wait'; nextRun: Date }
  /** Run backup `id`: due by the schedule, asked for (`request`), or resumed after a crash. */
  | { kind: 'run'; id: string; attempt: number; request?: string }
  /** A backup interrupted MAX_ATTEMPTS times: record it as failed. */
  | { kind: 'give-up'; id: string; attempts: number };

export interface Effective {
  schedule: string | undefined;
  retention: number;
  cron: Cron | undefined;
}

/** The schedule and retention in force: the organization's, else the installation's. */
export function effectiveBackup(org: Organization, defaults: BackupDefaults): Effective | { error: string } {
  const schedule = org.spec.backup?.schedule ?? defaults.schedule;
  const retention = org.spec.backup?.retention ?? defaults.retention;
  if (!schedule) return { schedule, retention, cron: undefined };
  try {
    return { schedule, retention, cron: parseCron(schedule) };
  } catch (error) {
    if (error instanceof CronError) return { error: error.message };
    throw error;
  }
}

/**
 * Decides from the Organization alone (its spec, annotation and status.backup) and the time: a
 * backup recorded as running was interrupted (the one controller that runs backups clears it
 * when it ends) and is tried again under the same id; a new request runs now; otherwise the
 * schedule's nextRun, once recorded, says when the next one is due. Pure: the caller acts.
 */
export function planBackup(org: Organization, effective: Effective, now: Date): BackupPlan {
  const name = org.metadata?.name ?? '';
  const status = org.status?.backup;
  const running = status?.running;
  if (running) {
    const attempt = (running.attempt ?? 1) + 1;
    return attempt > MAX_ATTEMPTS
      ? { kind: 'give-up', id: running.id, attempts: attempt - 1 }
      : { kind: 'run', id: running.id, attempt };
  }
  const request = org.metadata?.annotations?.[BACKUP_REQUEST_ANNOTATION];
  if (request && request.length <= 63 && request !== status?.lastRequest)
    return { kind: 'run', id: backupId(name, now), attempt: 1, request };
  const { cron, schedule } = effective;
  if (!cron) return { kind: 'off' };
  const recorded = status?.nextRun ? new Date(status.nextRun) : undefined;
  if (!recorded || status?.schedule !== schedule) {
    const nextRun = cron.next(now);
    return nextRun
      ? { kind: 'schedule', nextRun }
      : { kind: 'invalid', message: `"${schedule}" never fires` };
  }
  // Due: this slot's backup, named after the slot, so that retries after a crash are the same backup.
  if (now >= recorded) return { kind: 'run', id: backupId(name, recorded), attempt: 1 };
  return { kind: 'wait', nextRun: recorded };
}

/** When the next backup is due after one ended at `now`: a future nextRun stays (a requested backup took no slot). */
export function nextRunAfter(
  status: OrganizationStatusBackup | undefined,
  cron: Cron | undefined,
  now: Date,
) {
  const recorded = status?.nextRun ? new Date(status.nextRun) : undefined;
  if (recorded && recorded > now && status?.schedule === cron?.source) return recorded;
  return cron?.next(now);
}

/** RFC 3339 to the second, as Kubernetes writes times. */
export const timestamp = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The condition BackupSucceeded: the last backup's outcome, or why there can be none. */
export function backupCondition(
  status: OrganizationStatusBackup | undefined,
  problem?: { reason: string; message: string },
): DesiredCondition {
  const type = BACKUP_CONDITION;
  if (problem) return { type, status: 'False', ...problem };
  const success = status?.lastSuccess;
  const failure = status?.lastFailure;
  if (failure && (!success || failure.failedAt > success.completedAt))
    return {
      type,
      status: 'False',
      reason: 'BackupFailed',
      message: `Backup ${failure.id} failed at ${failure.failedAt}: ${failure.message}`,
    };
  if (success)
    return {
      type,
      status: 'True',
      reason: 'Completed',
      message: `Backup ${success.id} completed at ${success.completedAt} (${success.bytes ?? 0} bytes)`,
    };
  return {
    type,
    status: 'Unknown',
    reason: 'NoBackupYet',
    message: status?.nextRun ? `No backup yet; the first is due at ${status.nextRun}` : 'No backup yet',
  };
}
