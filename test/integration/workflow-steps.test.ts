// Steps that change the cluster, against the real stack (a platform and an operator of the suite's
// own, as their ServiceAccounts; kwok runs the pods, kube-controller-manager the Jobs and
// Deployments): ml_model_lifecycle runs end to end (train and validate as Jobs, its high-risk gate,
// the model server's rollout, the monitor); a custom WorkflowTemplate's Job ending with the exit
// code its pod annotation asks for (scripts/kwok/stages.yaml) fails its run; a rollout whose pods
// never become Ready is rolled back at its timeout. Everything is checked in the cluster's state
// and the apiserver's audit log, not in what the operator says it did.

import type { WorkflowRun } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { core } from '@guardian/kube/resources';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentSuite } from '../support/agents.ts';
import { adminClient, uniqueName } from '../support/kube.ts';
import { quotaPolicy } from '../support/platform.ts';
import { apply } from '../support/tenancy.ts';
import {
  createTemplate,
  type Deployment,
  jobCreations,
  jobsOf,
  kwokDeployment,
  operatorPatches,
  rolledOut as rolledOutIn,
} from '../support/workflow-steps.ts';
import { migratePlatformDatabase, readRun, runEnded, runWhere, startRun } from '../support/workflows.ts';

const SUITE = 'workflow-steps';
const org = uniqueName('it-wfs');
const plan = quotaPolicy(uniqueName('it-wfs-plan'), { displayName: 'open', features: { sso: false } });
const workloads = `org-${org}--staging`;
const remediator = `system:serviceaccount:org-${org}:guardian-remediator`;
const deployment = (name: string, image: string) => kwokDeployment(workloads, name, image);
const rolledOut = (name: string, image: string) => rolledOutIn(workloads, name, image);

/** What a gate's approval says once people approved it (deciding gates is Workflows 3/3's). */
async function approve(org: string, name: string, step: string): Promise<void> {
  const run = await readRun(org, name);
  const steps = (run.status?.steps ?? []).map((s) =>
    s.name === step ? { ...s, approval: { policy: 'Auto' as const, reason: 'Approved by the test' } } : s,
  );
  await adminClient().replace(
    KINDS.workflowRun,
    { ...run, status: { ...run.status, steps } } as never,
    'status',
  );
}

beforeAll(migratePlatformDatabase);

/** Why a run ended as it did, for a failed assertion's message. */
const readyOf = (run: { status?: { conditions?: { type: string; reason?: string; message?: string }[] } }) =>
  JSON.stringify(run.status?.conditions?.find((c) => c.type === 'Ready'));

describe('job and rollout steps', () => {
  agentSuite({
    suite: SUITE,
    plans: [{ ...plan, metadata: { ...plan.metadata, labels: { 'guardian.aiops.dev/test-suite': SUITE } } }],
    organizations: [{ name: org, spec: { plan: plan.metadata.name, environments: ['staging'] } }],
  });

  beforeAll(async () => {
    await apply(deployment('model', 'registry.example/model:1'));
    await apply(deployment('web', 'registry.example/web:1'));
    await Promise.all([
      rolledOut('model', 'registry.example/model:1'),
      rolledOut('web', 'registry.example/web:1'),
    ]);
  }, 120_000);

  it('runs ml_model_lifecycle end to end: two Jobs, the gate, the rollout, the watch', async () => {
    const name = uniqueName('wf-ml');
    await startRun(org, name, {
      template: 'ml_model_lifecycle',
      parameters: { image: 'registry.example/model:2', workload: 'deployment/model', window: '1s' },
    });
    const waiting = await runWhere(
      org,
      name,
      'at its gate',
      (run) => run.status?.phase === 'AwaitingApproval',
      90_000,
    );
    expect(waiting.status?.steps?.map((s) => [s.name, s.phase])).toEqual([
      ['train', 'Succeeded'],
      ['validate', 'Succeeded'],
      ['gate', 'AwaitingApproval'],
      ['deploy', 'Pending'],
      ['watch', 'Pending'],
    ]);
    // A high-risk gate needs a person even outside production.
    expect(waiting.status?.steps?.[2]?.approval).toMatchObject({ policy: 'Required', approvers: 1 });
    const jobs = await jobsOf(workloads, name);
    expect(jobs.map((job) => job.metadata?.labels?.['guardian.aiops.dev/workflow-step']).sort()).toEqual([
      'train',
      'validate',
    ]);
    for (const job of jobs) {
      expect(job.status?.succeeded).toBe(1);
      expect(job.status?.conditions?.find((c) => c.type === 'Complete')?.status).toBe('True');
    }
    // Each Job created once, by the operator acting as the organization's remediator.
    const created = jobCreations(workloads).filter((event) =>
      jobs.some((job) => job.metadata?.name === event.objectRef?.name),
    );
    expect(created.map((event) => [event.objectRef?.name, event.impersonatedUser?.username]).sort()).toEqual(
      jobs.map((job) => [job.metadata?.name, remediator]).sort(),
    );
    // The model server still runs the old image until the gate is passed.
    expect(
      (await adminClient().get<Deployment>(core.deployment, 'model', workloads)).spec.template.spec
        .containers[0]?.image,
    ).toBe('registry.example/model:1');

    await approve(org, name, 'gate');
    const run = await runEnded(org, name, 120_000);
    expect([run.status?.phase, run.status?.steps?.map((s) => s.phase)], readyOf(run)).toEqual([
      'Succeeded',
      ['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'Succeeded'],
    ]);
    expect(run.status?.steps?.[3]?.result?.rollout).toMatchObject({
      deployment: 'model',
      phase: 'RolledOut',
      container: 'server',
      image: 'registry.example/model:2',
      previousImage: 'registry.example/model:1',
    });
    await rolledOut('model', 'registry.example/model:2');
    expect(run.status?.steps?.[4]?.monitor?.target).toBe('Deployment/model');
  }, 240_000);

  it('fails a custom template’s run when its Job exits non-zero, with the exit code', async () => {
    const resource = uniqueName('exit');
    await createTemplate(org, resource, {
      description: 'A Job ending with the exit code asked for',
      parameters: {
        code: { kind: 'string', description: 'exit code', pattern: '[0-9]{1,3}', required: true },
      },
      steps: [
        {
          name: 'work',
          type: 'job',
          description: 'Works',
          image: 'registry.example/tool:1',
          args: ['run'],
          annotations: { 'kwok.guardian.aiops.dev/exit-code': '{code}' },
        },
        { name: 'tell', type: 'notify', description: 'Tells', message: 'never' },
      ],
    });
    const workflow = resource.replaceAll('-', '_');
    const failing = uniqueName('wf-exit');
    const passing = uniqueName('wf-exit');
    await startRun(org, failing, { template: workflow, parameters: { code: '3' } });
    await startRun(org, passing, { template: workflow, parameters: { code: '0' } });
    const failed = await runEnded(org, failing, 120_000);
    expect([failed.status?.phase, failed.status?.steps?.map((s) => s.phase)], readyOf(failed)).toEqual([
      'Failed',
      ['Failed', 'Skipped'],
    ]);
    expect(failed.status?.steps?.[0]).toMatchObject({
      reason: 'JobFailed',
      result: { job: { phase: 'Failed', exitCode: 3 } },
    });
    expect(failed.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('JobFailed');
    const [job] = await jobsOf(workloads, failing);
    expect(job?.status?.failed).toBe(1);
    expect(job?.status?.conditions?.find((c) => c.type === 'Failed')?.status).toBe('True');
    const passed = await runEnded(org, passing, 120_000);
    expect(passed.status?.phase, readyOf(passed)).toBe('Succeeded');
  }, 240_000);

  it('rolls a rollout back when its pods never become Ready by its timeout', async () => {
    const resource = uniqueName('ship');
    await createTemplate(org, resource, {
      description: 'A rollout of web',
      parameters: { image: { kind: 'string', description: 'image', required: true } },
      steps: [
        { name: 'gate', type: 'approval', description: 'Passes on its own', risk: 'low' },
        {
          name: 'ship',
          type: 'rollout',
          description: 'Ships web',
          deployment: 'web',
          image: '{image}',
          // kwok never starts a pod with this annotation (scripts/kwok/stages.yaml).
          annotations: { 'kwok.guardian.aiops.dev/ready': 'false', 'example.com/release': '{run}' },
          timeout: '8s',
        },
      ],
    });
    const name = uniqueName('wf-ship');
    await startRun(org, name, {
      template: resource.replaceAll('-', '_'),
      parameters: { image: 'registry.example/web:2' },
    });
    const run: WorkflowRun = await runEnded(org, name, 120_000);
    expect([run.status?.phase, run.status?.steps?.[1]?.reason]).toEqual(['Failed', 'RolledBack']);
    expect(run.status?.steps?.[1]?.result?.rollout).toMatchObject({
      phase: 'RolledBack',
      image: 'registry.example/web:2',
      previousImage: 'registry.example/web:1',
    });
    const web = await rolledOut('web', 'registry.example/web:1');
    expect(web.spec.template.metadata?.annotations ?? {}).not.toHaveProperty('kwok.guardian.aiops.dev/ready');
    expect(web.spec.template.metadata?.annotations ?? {}).not.toHaveProperty('example.com/release');
    // The operator wrote web twice, the change and the rollback, each time as the remediator.
    expect(
      operatorPatches(workloads, 'web').map((e) => [e.impersonatedUser?.username, e.responseStatus?.code]),
    ).toEqual([
      [remediator, 200],
      [remediator, 200],
    ]);
  }, 240_000);
});
