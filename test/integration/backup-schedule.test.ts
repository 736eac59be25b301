// The backup controller against the real stack: schedules kept in status (nextRun as soon as a
// schedule exists), backups asked for by annotation, retention, failures as a condition and an
// Event, and an invalid schedule reported; each organization's backups in its own bucket.
import { randomBytes } from 'node:crypto';
import type { OrganizationSpec } from '@guardian/crds/generated';
import { listBackups } from '@guardian/platform/backup';
import { describe, expect, it } from 'vitest';
import { requestBackup, storeOf } from '../support/backup.ts';
import { eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import {
  apply,
  condition,
  organizationReady,
  readOrganization,
  organization as unlabelled,
} from '../support/tenancy.ts';
import { onServer } from '../support/tenant-db.ts';

const events = kubeConfig().makeApiClient(k8s.EventsV1Api);
const tenant = (org: string) => `tenant_${org.replaceAll('-', '_')}`;

/** The Warning and Normal Events the operator recorded about an organization, by reason. */
async function eventsOf(org: string): Promise<Array<{ reason: string; type: string; note: string }>> {
  const list = await events.listNamespacedEvent({
    namespace: 'default',
    fieldSelector: `regarding.name=${org}`,
  });
  return list.items.map((e) => ({ reason: e.reason ?? '', type: e.type ?? '', note: e.note ?? '' }));
}

describe('backup schedules', () => {
  const a = uniqueName('it-bsa');
  const b = uniqueName('it-bsb');
  const specs: Record<string, Partial<OrganizationSpec>> = {
    [a]: { database: { server: 'pg1' }, backup: { schedule: '0 3 * * *' } },
    [b]: { database: { server: 'pg2' } },
  };
  const suite = operatorSuite({
    suite: 'backup-schedule',
    env: { BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'), BACKUP_RETENTION: '2' },
    organizations: [unlabelled(a, specs[a]), unlabelled(b, specs[b])],
  });
  /** The organization as the suite made it (its database server is immutable), with `spec` on top. */
  const organization = (org: string, spec: Partial<OrganizationSpec> = {}) =>
    suite.organization(org, { ...specs[org], ...spec });
  /** Asks for a backup, and waits until the operator has acted on that request. */
  const request = (org: string, value: string, spec = {}) => requestBackup(organization(org, spec), value);

  it('writes the next run as soon as a schedule exists, and runs nothing before it', async () => {
    const org = await eventually('nextRun', async () => {
      const found = await readOrganization(a);
      return found.status?.backup?.nextRun ? found : undefined;
    });
    const next = new Date(org.status?.backup?.nextRun ?? '');
    expect(next.getUTCHours()).toBe(3);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime() - Date.now()).toBeGreaterThan(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(org.status?.backup).toMatchObject({ schedule: '0 3 * * *', retention: 2 });
    expect(condition(org, 'BackupSucceeded')).toMatchObject({ status: 'Unknown', reason: 'NoBackupYet' });
    expect(await listBackups(await storeOf(a))).toEqual([]);
    // The organization's other conditions are the organization reconciler's, and stay.
    expect(condition(org, 'Ready')?.status).toBe('True');
    // Without a schedule (no default here), nothing is planned.
    expect((await readOrganization(b)).status?.backup).toBeUndefined();
  });

  it('backs up when asked, into the organization’s own bucket, and says so', async () => {
    const org = await request(a, 'first');
    const success = org.status?.backup?.lastSuccess;
    expect(success?.id).toMatch(new RegExp(`^${a}\\.\\d{8}T\\d{6}Z$`));
    expect(success?.bytes).toBeGreaterThan(0);
    expect(condition(org, 'BackupSucceeded')).toMatchObject({ status: 'True', reason: 'Completed' });
    // A requested backup takes no slot: the next scheduled one is still 03:00.
    expect(new Date(org.status?.backup?.nextRun ?? '').getUTCHours()).toBe(3);
    const [manifest] = await listBackups(await storeOf(a));
    expect(manifest).toMatchObject({ id: success?.id, organization: a, database: tenant(a), server: 'pg1' });
    expect(await listBackups(await storeOf(b))).toEqual([]);
    expect(await eventsOf(a)).toContainEqual(
      expect.objectContaining({ type: 'Normal', reason: 'BackupCompleted' }),
    );
    // The organization reconciler's later writes leave the backup controller's fields alone.
    expect((await organizationReady(a)).status?.backup?.lastSuccess).toEqual(success);
  });

  it('keeps the newest backups (retention) and deletes the older ones', async () => {
    // Ids have a one-second resolution: the requests are a second apart at least.
    for (const value of ['r1', 'r2', 'r3']) {
      await request(b, value);
      await new Promise((settle) => setTimeout(settle, 1100));
    }
    const kept = await listBackups(await storeOf(b));
    expect(kept).toHaveLength(2);
    expect(kept[0]?.id).toBe((await readOrganization(b)).status?.backup?.lastSuccess?.id);
  });

  it('reports a failed backup as a condition and a Warning Event, and recovers', async () => {
    await onServer('pg2', `ALTER ROLE ${tenant(b)} CONNECTION LIMIT 0`);
    try {
      const failed = await request(b, 'while-refused');
      expect(failed.status?.backup?.lastFailure).toMatchObject({
        message: expect.stringMatching(/pg_dump|connect|too many/),
      });
      expect(condition(failed, 'BackupSucceeded')).toMatchObject({ status: 'False', reason: 'BackupFailed' });
      expect(await eventsOf(b)).toContainEqual(
        expect.objectContaining({ type: 'Warning', reason: 'BackupFailed' }),
      );
    } finally {
      await onServer('pg2', `ALTER ROLE ${tenant(b)} CONNECTION LIMIT 8`);
    }
    const recovered = await request(b, 'after-fix');
    expect(condition(recovered, 'BackupSucceeded')).toMatchObject({ status: 'True', reason: 'Completed' });
  });

  it('reports a schedule that cannot run, without planning a run', async () => {
    // The CRD's pattern admits it; only the operator sees the empty range.
    await apply(organization(b, { backup: { schedule: '5-3 * * * *' } }));
    const org = await eventually('InvalidSchedule', async () => {
      const found = await readOrganization(b);
      return condition(found, 'BackupSucceeded')?.reason === 'InvalidSchedule' ? found : undefined;
    });
    expect(condition(org, 'BackupSucceeded')?.message).toContain('the minute range 5-3 is empty');
    expect(org.status?.backup?.nextRun).toBeUndefined();
    expect(await eventsOf(b)).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: 'InvalidSchedule' }),
    );
    await apply(organization(b));
  });

  it('runs a backup when its slot comes, by requeueAfter', { timeout: 150_000 }, async () => {
    await apply(organization(b, { backup: { schedule: '* * * * *' } }));
    const before = (await readOrganization(b)).status?.backup?.lastSuccess?.id;
    const org = await eventually(
      'a scheduled backup',
      async () => {
        const found = await readOrganization(b);
        const id = found.status?.backup?.lastSuccess?.id;
        return id && id !== before && !found.status?.backup?.running ? found : undefined;
      },
      130_000,
    );
    // Named after its slot, a whole minute.
    expect(org.status?.backup?.lastSuccess?.id).toMatch(/\d{4}00Z$/);
    expect(new Date(org.status?.backup?.nextRun ?? '').getUTCSeconds()).toBe(0);
    await apply(organization(b));
  });
});
