import type { Organization } from '@guardian/crds/generated';
import { REASONS } from '@guardian/platform/workflows';
import { describe, expect, it } from 'vitest';
import { approvalStep } from './workflowrun.approval.ts';
import type { Run } from './workflowrun.run.ts';
import type { RunContext, StepContext, StepDeps } from './workflowrun.steps.ts';

const NOW = Date.UTC(2026, 0, 1);
const gate = { name: 'gate', type: 'approval' as const, description: 'gate', risk: 'medium' as const };

const context = (environment: string, cancelRequested = false, now = NOW): RunContext =>
  ({
    run: { metadata: { name: 'wf-x' }, spec: { environment, cancelRequested } } as unknown as Run,
    org: { spec: { plan: 'starter' } } as Organization,
    now,
  }) as RunContext;
const step = (approval?: StepContext['status']['approval']): StepContext<typeof gate> => ({
  status: {
    name: 'gate',
    type: 'approval',
    phase: 'Running',
    idempotencyKey: 'k',
    ...(approval ? { approval } : {}),
  },
  definition: gate,
});
const deps = {} as StepDeps;

describe('an approval gate', () => {
  it('passes a medium-risk gate outside production at once, and records why', async () => {
    const outcome = await approvalStep(context('staging'), step(), deps);
    expect(outcome).toMatchObject({ phase: 'Succeeded', approval: { policy: 'Auto', production: false } });
  });

  it('waits in production until its expiry, then fails ApprovalExpired; a cancel ends it', async () => {
    const waiting = await approvalStep(context('production'), step(), deps);
    expect(waiting).toMatchObject({ phase: 'AwaitingApproval', requeueAfterMs: 86_400_000 });
    expect(waiting.approval).toMatchObject({
      policy: 'Required',
      approvers: 1,
      expiresAt: '2026-01-02T00:00:00Z',
    });
    const later = await approvalStep(
      context('production', false, NOW + 3_600_000),
      step(waiting.approval),
      deps,
    );
    expect(later).toMatchObject({ phase: 'AwaitingApproval', requeueAfterMs: 82_800_000 });
    const expired = await approvalStep(
      context('production', false, NOW + 86_400_000),
      step(waiting.approval),
      deps,
    );
    expect(expired).toMatchObject({ phase: 'Failed', reason: REASONS.approvalExpired });
    const cancelled = await approvalStep(context('production', true), step(waiting.approval), deps);
    expect(cancelled).toMatchObject({ phase: 'Cancelled', reason: REASONS.cancelled });
  });

  it('counts only accepted approvals, each person once; the first decision that settles the gate settles it', async () => {
    const waiting = await approvalStep(context('production'), step(), deps);
    const decision = (
      name: string,
      user: string,
      decision: 'approve' | 'reject',
      accepted: boolean,
      at: number,
    ) => ({
      metadata: { name, namespace: 'org-a', creationTimestamp: new Date(NOW).toISOString() },
      spec: { workflowRun: 'wf-x', step: 'gate', decision, user },
      status: { accepted, person: user, decidedAt: new Date(NOW + at).toISOString() },
    });
    const two = { ...waiting.approval, approvers: 2 } as StepContext['status']['approval'];
    const withApprovals = (...items: ReturnType<typeof decision>[]) =>
      ({ approvals: () => items }) as unknown as StepDeps;
    const ctx = {
      ...context('production'),
      run: {
        ...context('production').run,
        metadata: { name: 'wf-x', namespace: 'org-a', creationTimestamp: new Date(NOW).toISOString() },
      },
    } as RunContext;
    const one = await approvalStep(
      ctx,
      step(two),
      withApprovals(
        decision('a', 'u1', 'approve', true, 1),
        decision('b', 'u1', 'approve', true, 2),
        decision('c', 'u2', 'approve', false, 3),
      ),
    );
    expect(one).toMatchObject({ phase: 'AwaitingApproval', approval: { approvedBy: ['u1'], remaining: 1 } });
    const done = await approvalStep(
      ctx,
      step(two),
      withApprovals(
        decision('a', 'u1', 'approve', true, 1),
        decision('d', 'u3', 'approve', true, 2),
        decision('e', 'u4', 'reject', true, 3),
      ),
    );
    expect(done).toMatchObject({ phase: 'Succeeded', approval: { approvedBy: ['u1', 'u3'], remaining: 0 } });
    const rejected = await approvalStep(
      ctx,
      step(two),
      withApprovals(decision('e', 'u4', 'reject', true, 1), decision('a', 'u1', 'approve', true, 2)),
    );
    expect(rejected).toMatchObject({
      phase: 'Failed',
      reason: REASONS.rejected,
      approval: { rejectedBy: 'u4' },
    });
  });
});
