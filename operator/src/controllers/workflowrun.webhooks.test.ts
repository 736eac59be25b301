import { describe, expect, it } from 'vitest';
import type { Run } from './workflowrun.run.ts';
import { phaseEvent } from './workflowrun.webhooks.ts';

const run = (status: Run['status']): Run => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'WorkflowRun',
  metadata: { name: 'wf-cost-abcde', namespace: 'org-acme', uid: 'u-1' },
  spec: { template: 'cost_optimization_pipeline', environment: 'production', requestedBy: 'guardian:u' },
  status,
});

describe('the webhook event of a run’s phase', () => {
  it('is one awaiting_approval per gate, keyed by uid, phase and gate', () => {
    const waiting = run({
      phase: 'AwaitingApproval',
      steps: [
        { name: 'scan', type: 'agents', phase: 'Succeeded' },
        { name: 'gate', type: 'approval', phase: 'AwaitingApproval', risk: 'medium' },
      ],
    });
    expect(phaseEvent(waiting)).toMatchObject({
      type: 'workflow.awaiting_approval',
      key: 'workflow:u-1:AwaitingApproval:gate',
      data: { workflow_id: 'wf-cost-abcde', step: 'gate', risk: 'medium', phase: 'AwaitingApproval' },
    });
    expect(phaseEvent(structuredClone(waiting))).toEqual(phaseEvent(waiting));
  });

  it('is finished once the run ended, keyed by uid and phase, and nothing while it runs', () => {
    const ended = run({
      phase: 'Rejected',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'Rejected',
          message: 'm',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    });
    expect(phaseEvent(ended)).toMatchObject({
      type: 'workflow.finished',
      key: 'workflow:u-1:Rejected',
      data: { phase: 'Rejected', reason: 'Rejected' },
    });
    for (const phase of ['Pending', 'Running'] as const) expect(phaseEvent(run({ phase }))).toBeUndefined();
    expect(phaseEvent(run(undefined))).toBeUndefined();
  });
});
