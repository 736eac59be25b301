// The WorkflowRun controller against the real stack: `guardian operator` drives runs created with
// kubectl through their phases (agents through the Agents run path into the tenant database, a
// monitor over a real Deployment), counts the workflow unit once per run, keeps an organization's
// runs within its plan's concurrentWorkflows (first come first served), and refuses bad input with a
// condition, consuming nothing.

import { REASONS } from '@guardian/platform/workflows';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployment, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { quotaPolicy } from '../support/platform.ts';
import { apply, condition, organizationReady } from '../support/tenancy.ts';
import { databaseSecret, onTenant } from '../support/tenant-db.ts';
import {
  auditActions,
  migratePlatformDatabase,
  readRun,
  runEnded,
  runWhere,
  startRun,
  unitsCounted,
  workflowRun,
} from '../support/workflows.ts';

const suite = 'workflowrun';
const org = uniqueName('wfr');
const plan = uniqueName('wfr-plan');
/** An organization whose plan allows one workflow run a month. */
const small = uniqueName('wfr-one');
const smallPlan = uniqueName('wfr-one-plan');
const LABELS = { 'guardian.aiops.dev/test-suite': suite };

// Organizations are applied before the suite's operator starts them, so the platform database is
// migrated first (the operator writes the ledger, the audit trail and the slots there).
beforeAll(migratePlatformDatabase);
const operator = operatorSuite({ suite });

describe('the WorkflowRun controller', () => {
  beforeAll(async () => {
    await apply({
      ...quotaPolicy(plan, { displayName: plan, concurrentWorkflows: 1, workflowsPerMonth: 20 }),
      metadata: { name: plan, labels: LABELS },
    });
    await apply(operator.organization(org, { plan, environments: ['staging', 'production'] }));
    operator.track(org);
    await organizationReady(org, 'True', 120_000);
    await apply({
      ...deployment('web', podSpec()),
      metadata: { name: 'web', namespace: `org-${org}--staging` },
    });
  }, 180_000);

  it('runs deployment_health_check to Succeeded: each step with its key, times and result, once', async () => {
    const name = uniqueName('wf-health');
    const created = await startRun(org, name, { parameters: { window: '2s', workload: 'deployment/web' } });
    const run = await runEnded(org, name);
    expect(run.status?.phase).toBe('Succeeded');
    expect(condition(run as never, 'Ready')).toMatchObject({ status: 'True', reason: REASONS.succeeded });
    const [analysis, watch] = run.status?.steps ?? [];
    for (const step of [analysis, watch]) {
      expect(step).toMatchObject({ phase: 'Succeeded' });
      expect(step?.idempotencyKey).toContain(created.metadata?.uid);
      expect(Date.parse(step?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(step?.startedAt ?? ''));
    }
    expect(watch?.monitor).toMatchObject({ target: 'Deployment/web', window: '2s' });
    // The agents step's run is stored in the tenant database, its units counted once each.
    const agentRun = analysis?.result?.agentRun;
    expect(agentRun?.agents).toBeGreaterThan(0);
    const stored = await onTenant(
      (await databaseSecret(org)).url,
      `SELECT count(*)::int AS n FROM agent_runs WHERE run_id = '${agentRun?.id}'`,
    );
    expect(stored[0]?.n).toBe(1);
    expect(await unitsCounted(org, 'agent_executions', `${agentRun?.id}:`)).toBe(agentRun?.agents);
    expect(await unitsCounted(org, 'workflows', created.metadata?.uid)).toBe(1);
    expect(await auditActions(org, name)).toEqual([
      'workflow.started',
      'workflow.step.completed',
      'workflow.step.completed',
      'workflow.finished',
    ]);
  }, 120_000);

  it('keeps the plan’s concurrentWorkflows: a second run waits in Pending, then runs, first come first served', async () => {
    const first = uniqueName('wf-health');
    const second = uniqueName('wf-health');
    await startRun(org, first, { parameters: { window: '4s' } });
    await runWhere(org, first, 'Running', (run) => run.status?.phase === 'Running');
    await startRun(org, second, { parameters: { window: '1s' } });
    const waiting = await runWhere(org, second, 'waiting for a slot', (run) => {
      return condition(run as never, 'Ready')?.reason === REASONS.waitingForSlot;
    });
    expect(waiting.status?.phase).toBe('Pending');
    // Never both in progress at once, watched until both end.
    let overlap = false;
    await eventually(
      'both runs to end',
      async () => {
        const phases = await Promise.all(
          [first, second].map(async (name) => (await readRun(org, name)).status?.phase),
        );
        if (phases.every((phase) => phase === 'Running' || phase === 'AwaitingApproval')) overlap = true;
        return phases.every((phase) => phase === 'Succeeded');
      },
      90_000,
    );
    expect(overlap).toBe(false);
    const [a, b] = await Promise.all([readRun(org, first), readRun(org, second)]);
    expect(Date.parse(b.status?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(a.status?.finishedAt ?? ''),
    );
  }, 150_000);

  it.each([
    ['an unknown template', { template: 'no_such_template' }, REASONS.templateNotFound],
    ['an unknown environment', { environment: 'qa' }, REASONS.environmentNotFound],
    ['a parameter outside the schema', { parameters: { window: 'forever' } }, REASONS.invalidParameters],
    ['an unknown parameter', { parameters: { colour: 'red' } }, REASONS.invalidParameters],
  ])('refuses %s with a condition, consuming nothing', async (_, spec, reason) => {
    const name = uniqueName('wf-bad');
    const created = await startRun(org, name, spec);
    const run = await runEnded(org, name);
    expect(run.status?.phase).toBe('Failed');
    expect(condition(run as never, 'Ready')).toMatchObject({ status: 'False', reason });
    expect(run.status?.steps ?? []).toEqual([]);
    expect(await unitsCounted(org, 'workflows', created.metadata?.uid)).toBe(0);
  });

  it('cancels a run mid-step: the step in progress ends Cancelled, its slot frees', async () => {
    const name = uniqueName('wf-health');
    await startRun(org, name, { parameters: { window: '10m' } });
    await runWhere(org, name, 'watching', (run) => run.status?.currentStep === 'watch');
    await apply(workflowRun(org, name, { parameters: { window: '10m' }, cancelRequested: true }));
    const run = await runEnded(org, name);
    expect(run.status?.phase).toBe('Cancelled');
    expect(run.status?.steps?.map((step) => step.phase)).toEqual(['Succeeded', 'Cancelled']);
    expect((await auditActions(org, name)).at(-1)).toBe('workflow.cancelled');
    // The slot is free again: the next run starts.
    const next = uniqueName('wf-health');
    await startRun(org, next, { parameters: { window: '1s' } });
    expect((await runEnded(org, next)).status?.phase).toBe('Succeeded');
  }, 150_000);
});

describe('a run its organization may not start', () => {
  beforeAll(async () => {
    await apply({
      ...quotaPolicy(smallPlan, { displayName: smallPlan, workflowsPerMonth: 1 }),
      metadata: { name: smallPlan, labels: LABELS },
    });
    await apply(operator.organization(small, { plan: smallPlan, environments: ['staging'] }));
    operator.track(small);
    await organizationReady(small, 'True', 120_000);
  }, 180_000);

  it('fails QuotaExceeded past workflowsPerMonth, doing nothing and consuming nothing', async () => {
    const first = uniqueName('wf-health');
    await startRun(small, first, { parameters: { window: '1s' } });
    expect((await runEnded(small, first)).status?.phase).toBe('Succeeded');
    const over = uniqueName('wf-health');
    const created = await startRun(small, over, { parameters: { window: '1s' } });
    const run = await runEnded(small, over);
    expect(run.status?.phase).toBe('Failed');
    expect(condition(run as never, 'Ready')).toMatchObject({
      status: 'False',
      reason: REASONS.quotaExceeded,
    });
    expect(run.status?.steps ?? []).toEqual([]);
    expect(await unitsCounted(small, 'workflows', created.metadata?.uid)).toBe(0);
    expect(await unitsCounted(small, 'workflows')).toBe(1);
    expect(await auditActions(small, over)).toEqual(['workflow.finished']);
  }, 120_000);

  it('fails OrganizationSuspended in a suspended organization, consuming nothing', async () => {
    await apply(
      operator.organization(small, { plan: smallPlan, environments: ['staging'], suspended: true }),
    );
    const name = uniqueName('wf-health');
    const created = await startRun(small, name);
    const run = await runEnded(small, name);
    expect(condition(run as never, 'Ready')).toMatchObject({
      status: 'False',
      reason: REASONS.organizationSuspended,
    });
    expect(await unitsCounted(small, 'workflows', created.metadata?.uid)).toBe(0);
  }, 60_000);
});
