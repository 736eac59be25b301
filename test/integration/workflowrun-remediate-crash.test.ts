// Crash-proof remediation: one run of security_hardening_pipeline loses its operator (SIGKILL, a
// failpoint) three times inside its remediate step: after the step's intent was recorded and before
// it acted, after the first object's patch and before its record, and after the step acted and
// before the run's status recorded it. A standby takes the Lease each time and carries on. Each
// object is patched exactly once (the apiserver's audit log, the objects' generation), the tenant
// database records each once as applied, the audit trail has one workflow.remediation.applied.

import { beforeAll, describe, expect, it } from 'vitest';
import { deployment, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { inNamespace } from '../support/agents.ts';
import { uniqueName } from '../support/kube.ts';
import { crashingOperatorSuite } from '../support/operator-suite.ts';
import { readDeployment, remediationRows, remediatorPatches } from '../support/remediation.ts';
import { apply } from '../support/tenancy.ts';
import { auditActions, migratePlatformDatabase, runEnded, startRun } from '../support/workflows.ts';

const suite = 'workflowrun-remediate-crash';
const org = uniqueName('wfrc');
const staging = `org-${org}--staging`;
const crashing = uniqueName('wf-security');
/** Where each operator in turn dies; the last one has no failpoint. */
const FAILPOINTS = [
  `workflow-remediate-after-apply@${crashing}`,
  `workflow-after-act-before-record@${crashing}/hardening`,
];

beforeAll(migratePlatformDatabase);
const operator = crashingOperatorSuite(suite, `workflow-after-intent-before-act@${crashing}/hardening`, org);

describe('a remediation across operator crashes', () => {
  beforeAll(async () => {
    for (const name of ['front', 'back'])
      await apply(inNamespace(deployment(name, podSpec(), { spec: { replicas: 1 } }), staging));
  }, 180_000);

  it('patches each object once however often the operator dies inside the step', async () => {
    const generations = await Promise.all(['front', 'back'].map((n) => readDeployment(staging, n)));
    await startRun(org, crashing, { template: 'security_hardening_pipeline' });
    let dying = operator.operator;
    for (const next of [...FAILPOINTS, undefined]) dying = await operator.takeOver({ dying, next });
    const run = await runEnded(org, crashing, 120_000);
    expect(run.status?.phase).toBe('Succeeded');
    expect(run.status?.steps?.at(-1)?.result?.remediation).toMatchObject({ applied: 2 });
    for (const [index, name] of ['front', 'back'].entries()) {
      const stored = await readDeployment(staging, name);
      expect(stored.spec.template.spec.containers[0]?.securityContext, name).toMatchObject({
        allowPrivilegeEscalation: false,
      });
      expect(stored.metadata.generation, name).toBe((generations[index]?.metadata.generation ?? 0) + 1);
      expect(remediatorPatches(org, 'deployments', staging, name), name).toBe(1);
    }
    const rows = await remediationRows(org, crashing);
    expect(rows.map((row) => [row.name, row.status])).toEqual([
      ['back', 'applied'],
      ['front', 'applied'],
    ]);
    expect(
      (await auditActions(org, crashing)).filter((a) => a === 'workflow.remediation.applied'),
    ).toHaveLength(1);
  }, 300_000);
});
