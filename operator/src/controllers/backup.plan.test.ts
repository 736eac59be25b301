import type { Organization, OrganizationStatusBackup } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { anOrganization } from '../../../test/support/builders.ts';
import { parseCron } from '../runtime/cron.ts';
import {
  BACKUP_REQUEST_ANNOTATION,
  backupCondition,
  effectiveBackup,
  nextRunAfter,
  planBackup,
} from './backup.plan.ts';

const now = new Date('2026-03-10T12:00:00Z');
const daily = { schedule: '0 3 * * *', retention: 7 };

function org(
  backup?: OrganizationStatusBackup,
  spec = {},
  annotations?: Record<string, string>,
): Organization {
  const base = anOrganization('acme', spec);
  return {
    ...base,
    metadata: { ...base.metadata, ...(annotations ? { annotations } : {}) },
    status: { ...base.status, ...(backup ? { backup } : {}) },
  };
}

const plan = (o: Organization, defaults: { schedule?: string; retention: number } = daily, at = now) => {
  const effective = effectiveBackup(o, defaults);
  if ('error' in effective) throw new Error(effective.error);
  return planBackup(o, effective, at);
};

describe('planBackup', () => {
  it('does nothing without a schedule or a request', () => {
    expect(plan(org(), { retention: 7 })).toEqual({ kind: 'off' });
  });

  it('records the next run as soon as a schedule exists, without running one at once', () => {
    expect(plan(org())).toEqual({ kind: 'schedule', nextRun: new Date('2026-03-11T03:00:00Z') });
    // The organization's own schedule wins over the default.
    expect(plan(org(undefined, { backup: { schedule: '30 14 * * *' } }))).toEqual({
      kind: 'schedule',
      nextRun: new Date('2026-03-10T14:30:00Z'),
    });
  });

  it('waits for the recorded next run, then runs the backup of that slot, named after it', () => {
    const status = { schedule: '0 3 * * *', nextRun: '2026-03-11T03:00:00Z' };
    expect(plan(org(status))).toEqual({ kind: 'wait', nextRun: new Date('2026-03-11T03:00:00Z') });
    expect(plan(org(status), daily, new Date('2026-03-11T03:00:00Z'))).toEqual({
      kind: 'run',
      id: 'acme.20260311T030000Z',
      attempt: 1,
    });
    // Late (the operator was down): still that slot's backup, once.
    expect(plan(org(status), daily, new Date('2026-03-13T09:00:00Z'))).toMatchObject({
      kind: 'run',
      id: 'acme.20260311T030000Z',
    });
  });

  it('plans anew when the schedule changed since nextRun was recorded', () => {
    const status = { schedule: '0 3 * * *', nextRun: '2026-03-11T03:00:00Z' };
    expect(plan(org(status, { backup: { schedule: '0 * * * *' } }))).toEqual({
      kind: 'schedule',
      nextRun: new Date('2026-03-10T13:00:00Z'),
    });
  });

  it('tries an interrupted backup again under the same id, at most three times', () => {
    const running = (attempt: number) => ({
      schedule: '0 3 * * *',
      nextRun: '2026-03-10T03:00:00Z',
      running: { id: 'acme.20260310T030000Z', startedAt: '2026-03-10T03:00:01Z', attempt },
    });
    expect(plan(org(running(1)))).toEqual({ kind: 'run', id: 'acme.20260310T030000Z', attempt: 2 });
    expect(plan(org(running(2)))).toEqual({ kind: 'run', id: 'acme.20260310T030000Z', attempt: 3 });
    expect(plan(org(running(3)))).toEqual({ kind: 'give-up', id: 'acme.20260310T030000Z', attempts: 3 });
  });

  it('runs a backup when asked by a new annotation value, once', () => {
    const asked = org(
      { schedule: '0 3 * * *', nextRun: '2026-03-11T03:00:00Z' },
      {},
      {
        [BACKUP_REQUEST_ANNOTATION]: 'before-upgrade',
      },
    );
    expect(plan(asked)).toEqual({
      kind: 'run',
      id: 'acme.20260310T120000Z',
      attempt: 1,
      request: 'before-upgrade',
    });
    const handled = org(
      { schedule: '0 3 * * *', nextRun: '2026-03-11T03:00:00Z', lastRequest: 'before-upgrade' },
      {},
      { [BACKUP_REQUEST_ANNOTATION]: 'before-upgrade' },
    );
    expect(plan(handled)).toMatchObject({ kind: 'wait' });
    // Without any schedule, a request still runs.
    expect(plan(org(undefined, {}, { [BACKUP_REQUEST_ANNOTATION]: 'now' }), { retention: 7 })).toMatchObject({
      kind: 'run',
      request: 'now',
    });
  });

  it('reports a schedule that never fires, and one that does not parse', () => {
    expect(plan(org(), { schedule: '0 0 31 2 *', retention: 7 })).toEqual({
      kind: 'invalid',
      message: '"0 0 31 2 *" never fires',
    });
    expect(effectiveBackup(org(undefined, { backup: { schedule: '5-3 * * * *' } }), daily)).toEqual({
      error: '"5-3 * * * *" is not a cron schedule: the minute range 5-3 is empty',
    });
  });
});

describe('nextRunAfter', () => {
  const cron = parseCron('0 3 * * *');
  it('moves past the slot a scheduled backup took, and keeps a future one a requested backup did not take', () => {
    const due = { schedule: '0 3 * * *', nextRun: '2026-03-10T03:00:00Z' };
    expect(nextRunAfter(due, cron, now)).toEqual(new Date('2026-03-11T03:00:00Z'));
    const future = { schedule: '0 3 * * *', nextRun: '2026-03-11T03:00:00Z' };
    expect(nextRunAfter(future, cron, now)).toEqual(new Date('2026-03-11T03:00:00Z'));
    expect(nextRunAfter(future, undefined, now)).toBeUndefined();
  });
});

describe('backupCondition', () => {
  const success = { id: 'acme.20260310T030000Z', completedAt: '2026-03-10T03:00:09Z', bytes: 2048 };
  const failure = {
    id: 'acme.20260309T030000Z',
    failedAt: '2026-03-09T03:00:05Z',
    message: 'pg_dump failed',
  };
  it('is True after a success, False after a newer failure, Unknown before any backup', () => {
    expect(backupCondition({ lastSuccess: success, lastFailure: failure })).toMatchObject({
      status: 'True',
      reason: 'Completed',
      message: 'Backup acme.20260310T030000Z completed at 2026-03-10T03:00:09Z (2048 bytes)',
    });
    expect(
      backupCondition({
        lastSuccess: success,
        lastFailure: { ...failure, failedAt: '2026-03-11T03:00:05Z' },
      }),
    ).toMatchObject({ status: 'False', reason: 'BackupFailed' });
    expect(backupCondition({ nextRun: '2026-03-11T03:00:00Z' })).toMatchObject({
      status: 'Unknown',
      reason: 'NoBackupYet',
      message: 'No backup yet; the first is due at 2026-03-11T03:00:00Z',
    });
  });

  it('says why there can be no backup', () => {
    expect(backupCondition(undefined, { reason: 'InvalidSchedule', message: 'x' })).toEqual({
      type: 'BackupSucceeded',
      status: 'False',
      reason: 'InvalidSchedule',
      message: 'x',
    });
  });
});
