// The steps that change workloads across operator crashes (SIGKILL at a failpoint; a standby takes
// the Lease): a job step killed after it created its Job and before it recorded that finds the Job
// again (the apiserver logged one creation); a rollout killed after it applied its change and
// before it recorded that finishes it with the image it replaced recorded from before the crash,
// and the Deployment changed once (one new ReplicaSet, its generation up by one).

import { core, type KubeObject } from '@guardian/kube/resources';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminClient, uniqueName } from '../support/kube.ts';
import { crashingOperatorSuite } from '../support/operator-suite.ts';
import { apply } from '../support/tenancy.ts';
import {
  createTemplate,
  type Deployment,
  jobCreations,
  jobsOf,
  kwokDeployment,
  rolledOut,
} from '../support/workflow-steps.ts';
import { migratePlatformDatabase, runEnded, startRun } from '../support/workflows.ts';

const suite = 'workflow-steps-crash';
const org = uniqueName('wsc');
const workloads = `org-${org}--staging`;
const jobRun = uniqueName('wf-crashjob');
const shipRun = uniqueName('wf-crashship');
beforeAll(migratePlatformDatabase);
const operator = crashingOperatorSuite(suite, `workflow-after-act-before-record@${jobRun}`, org);

describe('job and rollout steps across operator crashes', () => {
  let jobTemplate = '';
  let shipTemplate = '';

  beforeAll(async () => {
    await apply(kwokDeployment(workloads, 'api', 'registry.example/api:1'));
    await rolledOut(workloads, 'api', 'registry.example/api:1');
    jobTemplate = await createTemplate(org, uniqueName('crash-job'), {
      description: 'One Job',
      steps: [{ name: 'work', type: 'job', description: 'Works', image: 'registry.example/tool:1' }],
    });
    shipTemplate = await createTemplate(org, uniqueName('crash-ship'), {
      description: 'A gate that passes on its own, then a rollout',
      steps: [
        { name: 'gate', type: 'approval', description: 'Passes on its own', risk: 'low' },
        {
          name: 'ship',
          type: 'rollout',
          description: 'Ships',
          deployment: 'api',
          image: 'registry.example/api:2',
        },
      ],
    });
  }, 180_000);

  it('finds the Job it created before a crash (no second), and finishes a rollout interrupted after its apply, changing the Deployment once', async () => {
    await startRun(org, jobRun, { template: jobTemplate });
    const standby = await operator.takeOver({ next: `rollout-after-apply-before-record@${shipRun}` });
    const run = await runEnded(org, jobRun, 120_000);
    expect(run.status?.phase).toBe('Succeeded');
    const jobs = await jobsOf(workloads, jobRun);
    expect(jobs.map((job) => job.status?.succeeded)).toEqual([1]);
    const name = jobs[0]?.metadata?.name;
    expect(run.status?.steps?.[0]?.result?.job).toEqual({ name, phase: 'Succeeded' });
    expect(jobCreations(workloads).filter((event) => event.objectRef?.name === name)).toHaveLength(1);

    // The next crash, in the rollout, is the standby's.
    const before = await adminClient().get<Deployment>(core.deployment, 'api', workloads);
    await startRun(org, shipRun, { template: shipTemplate });
    await operator.takeOver({ dying: standby });
    const shipped = await runEnded(org, shipRun, 120_000);
    expect(shipped.status?.phase).toBe('Succeeded');
    expect(shipped.status?.steps?.[1]?.result?.rollout).toMatchObject({
      phase: 'RolledOut',
      image: 'registry.example/api:2',
      previousImage: 'registry.example/api:1',
    });
    const after = await rolledOut(workloads, 'api', 'registry.example/api:2');
    expect((after.metadata?.generation ?? 0) - (before.metadata?.generation ?? 0)).toBe(1);
    const replicaSets = await adminClient().list<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true },
      { namespace: workloads, labelSelector: 'app=api' },
    );
    expect(replicaSets.items).toHaveLength(2);
  }, 300_000);
});
