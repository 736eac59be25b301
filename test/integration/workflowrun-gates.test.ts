// Gates decided by the organization's approval policy, against the real stack: the operator, built
// in this process with a template of the test's own (a medium-risk gate, then a notification),
// lets the gate pass at once in staging and records why; in production the run waits in
// AwaitingApproval, holding its concurrency slot, until it is cancelled. (Deciding a gate is
// Workflows 3/3's: WorkflowApprovals.)

import { core, type KubeObject } from '@guardian/kube/resources';
import { builtInTemplates, REASONS } from '@guardian/platform/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests, startOperatorInProcess } from '../support/operator.ts';
import { SUITE_LABEL, suiteSelector } from '../support/operator-suite.ts';
import { quotaPolicy } from '../support/platform.ts';
import {
  apply,
  condition,
  deleteOrganizations,
  organization,
  organizationReady,
} from '../support/tenancy.ts';
import {
  auditActions,
  migratePlatformDatabase,
  readRun,
  runEnded,
  runWhere,
  startRun,
  workflowRun,
} from '../support/workflows.ts';

const suite = uniqueName('workflowrun-gates');
const labels = { [SUITE_LABEL]: suite };
const org = uniqueName('wfg');
const plan = uniqueName('wfg-plan');
const namespace = uniqueName('it-wfg-op');
const templates = builtInTemplates.with([
  {
    name: 'gated_notice',
    namePrefix: 'notice',
    description: 'A medium-risk gate, then a notification',
    steps: [
      { name: 'gate', type: 'approval', description: 'Medium risk', risk: 'medium' },
      {
        name: 'tell',
        type: 'notify',
        description: 'Says what ran',
        message: '{template} ran in {environment} for {requestedBy}',
      },
    ],
  },
]);

let operator: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  await migratePlatformDatabase();
  await applyGuardianManifests();
  operator = await startOperatorInProcess({ namespace, selector: suiteSelector(suite), templates });
  await apply({
    ...quotaPolicy(plan, { displayName: plan, concurrentWorkflows: 1 }),
    metadata: { name: plan, labels },
  });
  const base = organization(org, { plan, environments: ['staging', 'production'] });
  await apply({ ...base, metadata: { ...base.metadata, labels } });
  await organizationReady(org, 'True', 120_000);
}, 180_000);

afterAll(async () => {
  await deleteOrganizations(org);
  await operator?.stop();
}, 120_000);

describe('an approval gate, by policy', () => {
  it('passes at once outside production (medium risk), recording why; the notification is an Event', async () => {
    const name = uniqueName('wf-notice');
    await startRun(org, name, { template: 'gated_notice', environment: 'staging' });
    const run = await runEnded(org, name);
    expect(run.status?.phase).toBe('Succeeded');
    const [gate, tell] = run.status?.steps ?? [];
    expect(gate).toMatchObject({ phase: 'Succeeded', risk: 'medium', approval: { policy: 'Auto' } });
    expect(gate?.approval?.reason).toMatch(/staging/);
    const text = `gated_notice ran in staging for ${run.spec.requestedBy}`;
    expect(tell?.result?.notification).toEqual({ reason: 'WorkflowNotification', message: text });
    const events = await adminClient().list<KubeObject & { note?: string; regarding?: { name?: string } }>(
      core.event,
      {
        namespace: `org-${org}`,
      },
    );
    expect(
      events.items.filter((event) => event.regarding?.name === name && event.note === text),
    ).toHaveLength(1);
  }, 90_000);

  it('waits in AwaitingApproval in production, holding its slot, until cancelled', async () => {
    const gated = uniqueName('wf-notice');
    const next = uniqueName('wf-notice');
    await startRun(org, gated, { template: 'gated_notice', environment: 'production' });
    const waiting = await runWhere(
      org,
      gated,
      'AwaitingApproval',
      (run) => run.status?.phase === 'AwaitingApproval',
    );
    expect(waiting.status?.steps?.[0]?.approval).toMatchObject({
      policy: 'Required',
      production: true,
      approvers: 1,
    });
    expect(Date.parse(waiting.status?.steps?.[0]?.approval?.expiresAt ?? '')).toBeGreaterThan(Date.now());
    await startRun(org, next, { template: 'gated_notice', environment: 'staging' });
    await runWhere(
      org,
      next,
      'waiting for the slot',
      (run) => condition(run as never, 'Ready')?.reason === REASONS.waitingForSlot,
    );
    expect((await readRun(org, gated)).status?.phase).toBe('AwaitingApproval');

    await apply(
      workflowRun(org, gated, { template: 'gated_notice', environment: 'production', cancelRequested: true }),
    );
    const cancelled = await runEnded(org, gated);
    expect(cancelled.status?.phase).toBe('Cancelled');
    expect(cancelled.status?.steps?.map((step) => step.phase)).toEqual(['Cancelled', 'Skipped']);
    expect(await auditActions(org, gated)).toEqual([
      'workflow.started',
      'workflow.step.completed',
      'workflow.cancelled',
    ]);
    expect((await runEnded(org, next)).status?.phase).toBe('Succeeded');
  }, 120_000);
});
