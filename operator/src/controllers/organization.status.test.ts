import type { Organization } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { anOrganization } from '../../../test/support/builders.ts';
import type { DatabaseOutcome } from './organization.database.ts';
import { desiredOrganizationStatus, type Observed } from './organization.status.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T01:00:00Z');
const provisioned: DatabaseOutcome = {
  ready: true,
  reason: 'Provisioned',
  name: 'tenant_acme',
  server: 'pg1',
  message: 'Database tenant_acme on pg1',
};
const inPlace: Observed = {
  planFound: true,
  conflicts: [],
  retained: [],
  domainConflicts: [],
  database: provisioned,
  storage: { ready: true, reason: 'Provisioned', message: 'Object storage: bucket guardian-org-acme' },
};
const acme = anOrganization('acme', { environments: ['production', 'qa'] });

/** type → [status, reason] of every condition. */
const summary = (org: Organization, observed: Observed) =>
  Object.fromEntries(
    (desiredOrganizationStatus(org, observed, t0).conditions ?? []).map((c) => [
      c.type,
      [c.status, c.reason],
    ]),
  );

describe('desiredOrganizationStatus', () => {
  it('reports a tenant in place as Ready, with its namespaces and database', () => {
    const status = desiredOrganizationStatus(acme, inPlace, t0);
    expect(status).toMatchObject({
      observedGeneration: 3,
      namespace: 'org-acme',
      environments: [
        { name: 'production', namespace: 'org-acme--production' },
        { name: 'qa', namespace: 'org-acme--qa' },
      ],
      database: { server: 'pg1', name: 'tenant_acme' },
    });
    expect(summary(acme, inPlace)).toEqual({
      NamespacesReady: ['True', 'Created'],
      QuotaApplied: ['True', 'Applied'],
      RBACReady: ['True', 'Bound'],
      EnvironmentsPruned: ['True', 'Pruned'],
      DatabaseReady: ['True', 'Provisioned'],
      StorageReady: ['True', 'Provisioned'],
      DomainConflict: ['False', 'DomainsUnique'],
      Suspended: ['False', 'Active'],
      DeletionPending: ['False', 'NotRequested'],
      Ready: ['True', 'Ready'],
    });
    expect(status.conditions?.every((c) => c.lastTransitionTime === '2026-01-01T00:00:00Z')).toBe(true);
  });

  it('names a namespace it will not adopt, and waits for it in everything else', () => {
    const conditions = summary(acme, {
      ...inPlace,
      conflicts: ['org-acme--qa'],
      database: undefined,
      storage: undefined,
    });
    expect(conditions).toMatchObject({
      NamespacesReady: ['False', 'NamespaceConflict'],
      QuotaApplied: ['False', 'NamespacesNotReady'],
      RBACReady: ['False', 'NamespacesNotReady'],
      DatabaseReady: ['False', 'NamespacesNotReady'],
      StorageReady: ['False', 'NamespacesNotReady'],
      Ready: ['False', 'NamespaceConflict'],
    });
    const ready = desiredOrganizationStatus(
      acme,
      { ...inPlace, conflicts: ['org-acme--qa'] },
      t0,
    ).conditions?.find((c) => c.type === 'Ready');
    expect(ready?.message).toContain('org-acme--qa');
  });

  it('reports a plan that does not exist, and a database that is not ready, as why it is not Ready', () => {
    expect(summary(acme, { ...inPlace, planFound: false })).toMatchObject({
      QuotaApplied: ['False', 'PlanNotFound'],
      Ready: ['False', 'PlanNotFound'],
    });
    const failing: DatabaseOutcome = {
      ready: false,
      reason: 'DatabaseConflict',
      name: 'tenant_acme',
      message: 'x',
    };
    expect(summary(acme, { ...inPlace, database: failing })).toMatchObject({
      DatabaseReady: ['False', 'DatabaseConflict'],
      Ready: ['False', 'DatabaseConflict'],
    });
    expect(desiredOrganizationStatus(acme, { ...inPlace, database: failing }, t0).database).toBeUndefined();
  });

  it('stays Ready while a removed environment is kept, a domain is claimed elsewhere, or it is suspended', () => {
    const observed: Observed = {
      ...inPlace,
      retained: [{ namespace: 'org-acme--dev', reason: 'it holds 1 configmaps' }],
      domainConflicts: [{ domain: 'acme.com', heldBy: 'older' }],
    };
    expect(summary(anOrganization('acme', { suspended: true }), observed)).toMatchObject({
      EnvironmentsPruned: ['False', 'NamespaceNotEmpty'],
      DomainConflict: ['True', 'DomainClaimed'],
      Suspended: ['True', 'Suspended'],
      Ready: ['True', 'Ready'],
    });
    const messages = desiredOrganizationStatus(acme, observed, t0).conditions?.map((c) => c.message);
    expect(messages).toContain('org-acme--dev kept: it holds 1 configmaps');
    expect(messages).toContain('acme.com is claimed by older organization older');
  });

  it('reports a pending deletion and its date while staying Ready, and drops it once restored', () => {
    const scheduled = new Date('2026-01-08T00:00:00Z');
    const pending = desiredOrganizationStatus(acme, { ...inPlace, deletionScheduledAt: scheduled }, t0);
    expect(pending.deletionScheduledAt).toBe('2026-01-08T00:00:00.000Z');
    expect(summary(acme, { ...inPlace, deletionScheduledAt: scheduled })).toMatchObject({
      DeletionPending: ['True', 'DeletionRequested'],
      Ready: ['True', 'Ready'],
    });
    const restored = desiredOrganizationStatus({ ...acme, status: pending }, inPlace, t1);
    expect(restored.deletionScheduledAt).toBeUndefined();
    expect(restored.conditions?.find((c) => c.type === 'DeletionPending')?.status).toBe('False');
  });

  it('reports storage that is not its own as why it is not Ready, and unconfigured storage as no obstacle', () => {
    const conflict = { ready: false, reason: 'StorageConflict', message: 'Bucket x belongs to y' };
    expect(summary(acme, { ...inPlace, storage: conflict })).toMatchObject({
      StorageReady: ['False', 'StorageConflict'],
      Ready: ['False', 'StorageConflict'],
    });
    const off = { ready: true, reason: 'NotConfigured', message: 'No object storage is configured' };
    expect(summary(acme, { ...inPlace, storage: off })).toMatchObject({
      StorageReady: ['True', 'NotConfigured'],
      Ready: ['True', 'Ready'],
    });
  });

  it("leaves the backup controller's fields out, so its own writes never touch them", () => {
    const backup = { schedule: '0 3 * * *', nextRun: '2026-01-02T03:00:00Z' };
    const condition = {
      type: 'BackupSucceeded',
      status: 'True' as const,
      reason: 'Completed',
      message: 'x',
      lastTransitionTime: '2026-01-01T03:00:00Z',
    };
    const before = desiredOrganizationStatus(acme, inPlace, t0);
    const withBackup = {
      ...acme,
      status: { ...before, backup, conditions: [...(before.conditions ?? []), condition] },
    };
    const status = desiredOrganizationStatus(withBackup, inPlace, t1);
    expect(status.backup).toBeUndefined();
    expect(status.conditions?.map((c) => c.type)).not.toContain('BackupSucceeded');
    expect(status).toEqual(before);
  });

  it('is the same status an hour later when nothing changed, so nothing is written', () => {
    const status = desiredOrganizationStatus(acme, inPlace, t0);
    expect(desiredOrganizationStatus({ ...acme, status }, inPlace, t1)).toEqual(status);
  });
});
