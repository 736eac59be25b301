import { systemClock } from '@guardian/kube/clock';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog, checkpointKey, verifyChain } from '../../platform/src/audit/index.ts';
import { connect } from '../../platform/src/db.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { encryptionKey } from '../support/platform.ts';
import { stackEnv } from '../support/stack.ts';
import { apply, coreApi, deleteOrganization, organizationReady } from '../support/tenancy.ts';

describe('the operator’s audit trail', () => {
  const suite = operatorSuite({ suite: 'operator-audit' });
  const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
  const key = checkpointKey(Buffer.from(encryptionKey(), 'base64'));
  const log = new AuditLog({ db, key, clock: systemClock });
  afterAll(() => db.destroy());

  /** The organization's chain, oldest first, as [action, actor, target, detail]. */
  const chain = async (org: string) =>
    (await log.list(org, { limit: 100 })).entries
      .reverse()
      .map((e) => [e.action, e.actor, e.target, e.detail] as const);
  const recorded = (org: string, action: string) =>
    eventually(`${action} in the audit trail`, async () => (await chain(org)).some(([a]) => a === action));

  it('records each change of an organization’s life once, and nothing on a resync', async () => {
    const org = uniqueName('it-audited');
    const spec = { plan: 'starter', environments: ['production', 'staging', 'qa'] };
    const organization = (more = {}) => suite.organization(org, { ...spec, ...more });
    suite.track(org);
    await apply(organization());
    await organizationReady(org);
    await recorded(org, 'database.created');

    // A resync (an event that changes nothing the operator manages) writes nothing.
    const settled = (await chain(org)).length;
    const reconciles = await suite.reconciles('organization');
    const poked = organization();
    await apply({
      ...poked,
      metadata: { ...poked.metadata, labels: { ...poked.metadata?.labels, poke: 'x' } },
    });
    await eventually('another reconcile', async () => (await suite.reconciles('organization')) > reconciles);
    await new Promise((settle) => setTimeout(settle, 1000));
    expect((await chain(org)).length).toBe(settled);

    await apply(organization({ plan: 'professional' }));
    await recorded(org, 'quota.changed');
    await apply(organization({ plan: 'professional', suspended: true }));
    await recorded(org, 'organization.suspension.applied');
    await apply(organization({ plan: 'professional' }));
    await recorded(org, 'organization.suspension.lifted');

    // qa is empty and goes; staging holds a ConfigMap of its own and stays.
    await coreApi.createNamespacedConfigMap({
      namespace: `org-${org}--staging`,
      body: { metadata: { name: 'keep-me' }, data: { a: 'b' } },
    });
    await apply(organization({ plan: 'professional', environments: ['production'] }));
    await recorded(org, 'environment.retained');

    const requestedAt = new Date().toISOString();
    await apply(
      organization({ plan: 'professional', environments: ['production'], deletion: { requestedAt } }),
    );
    await recorded(org, 'organization.deletion.scheduled');
    await apply(organization({ plan: 'professional', environments: ['production'] }));
    await recorded(org, 'organization.deletion.cancelled');

    await deleteOrganization(org);
    await recorded(org, 'organization.deleted');

    const operator = 'system:operator';
    const database = `tenant_${org.replaceAll('-', '_')}`;
    const entries = await chain(org);
    expect(entries.map(([action, actor, target]) => [action, actor, target])).toEqual([
      ['subscription.started', operator, org],
      ['namespace.created', operator, `org-${org}`],
      ['namespace.created', operator, `org-${org}--production`],
      ['namespace.created', operator, `org-${org}--staging`],
      ['namespace.created', operator, `org-${org}--qa`],
      ['database.created', operator, database],
      ['quota.changed', operator, org],
      ['organization.suspension.applied', operator, org],
      ['organization.suspension.lifted', operator, org],
      ['namespace.deleted', operator, `org-${org}--qa`],
      ['environment.retained', operator, org],
      ['organization.deletion.scheduled', operator, org],
      ['organization.deletion.cancelled', operator, org],
      ['database.deleted', operator, database],
      ['organization.deleted', operator, org],
    ]);
    const detail = (action: string) => entries.find(([a]) => a === action)?.[3];
    expect(detail('subscription.started')).toEqual({ plan: 'starter', createdAt: expect.any(String) });
    expect(detail('quota.changed')).toEqual({ from: 'starter', to: 'professional' });
    expect(detail('environment.retained')).toMatchObject({ reason: expect.stringContaining('--staging') });
    expect(detail('organization.deletion.scheduled')).toEqual({
      scheduledAt: new Date(Date.parse(requestedAt) + 7 * 24 * 3600 * 1000).toISOString(),
    });
    expect(await verifyChain(db, key, org)).toMatchObject({
      ok: true,
      entries: entries.length,
      problems: [],
    });
  });
});
