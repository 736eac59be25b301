// Crash-proof progress: the suite's operator is killed (SIGKILL, a failpoint) right after a run's
// agents step acted and before it recorded the result; a second operator takes the Lease and
// finishes the run. The step's effect is not repeated: one agent run in the tenant database, its
// agent units and the run's workflow unit each counted once, one audit entry per step.

import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/kube.ts';
import { crashingOperatorSuite } from '../support/operator-suite.ts';
import { databaseSecret, onTenant } from '../support/tenant-db.ts';
import {
  auditActions,
  migratePlatformDatabase,
  runEnded,
  startRun,
  unitsCounted,
} from '../support/workflows.ts';

const suite = 'workflowrun-crash';
const org = uniqueName('wfc');
const crashing = uniqueName('wf-health');
beforeAll(migratePlatformDatabase);
const operator = crashingOperatorSuite(suite, `workflow-after-act-before-record@${crashing}`, org);

describe('a WorkflowRun across an operator crash', () => {
  it('finishes the step the crash interrupted without repeating its effect', async () => {
    const created = await startRun(org, crashing, { parameters: { window: '1s' } });
    await operator.takeOver();
    const run = await runEnded(org, crashing);
    expect(run.status?.phase).toBe('Succeeded');
    const analysis = run.status?.steps?.[0];
    const agentRun = analysis?.result?.agentRun;
    expect(agentRun?.agents).toBeGreaterThan(0);
    const stored = await onTenant(
      (await databaseSecret(org)).url,
      `SELECT run_id FROM agent_runs WHERE requested_by = 'workflow:${crashing}'`,
    );
    expect(stored.map((row) => row.run_id)).toEqual([agentRun?.id]);
    expect(await unitsCounted(org, 'agent_executions', `${agentRun?.id}:`)).toBe(agentRun?.agents);
    expect(await unitsCounted(org, 'workflows', created.metadata?.uid)).toBe(1);
    expect(await auditActions(org, crashing)).toEqual([
      'workflow.started',
      'workflow.step.completed',
      'workflow.step.completed',
      'workflow.finished',
    ]);
  }, 150_000);
});
