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
});
