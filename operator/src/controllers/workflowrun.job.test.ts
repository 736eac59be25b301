import { builtInTemplates } from '@guardian/platform/workflows';
import { describe, expect, it } from 'vitest';
import { jobFor, jobName } from './workflowrun.job.ts';
import type { Run } from './workflowrun.run.ts';
import type { RunContext } from './workflowrun.steps.ts';
import { fillIn } from './workflowrun.text.ts';

const template = builtInTemplates.get('ml_model_lifecycle');
const run = {
  run: {
    metadata: { name: 'wf-ml-abc12', namespace: 'org-acme', uid: 'u1' },
    spec: { template: 'ml_model_lifecycle', environment: 'staging', requestedBy: 'oidc:carol@startupco.io' },
  } as Run,
  parameters: { image: 'registry.example/model:2', workload: 'deployment/model', window: '30s' },
  namespace: 'org-acme--staging',
} as unknown as RunContext;

describe('a job step’s Job', () => {
  it('is named after the step and its key, the same on every attempt, a DNS label', () => {
    const name = jobName('train', 'u1/train');
    expect(name).toBe(jobName('train', 'u1/train'));
    expect(name).not.toBe(jobName('train', 'u2/train'));
    expect(name).toMatch(/^train-[0-9a-f]{10}$/);
    expect(jobName('x'.repeat(63), 'k')).toMatch(/^x{40}-[0-9a-f]{10}$/);
  });

  it('runs the template’s container with the run’s parameters, never retried, restricted', () => {
    const step = template?.steps.find((s) => s.name === 'train');
    if (step?.type !== 'job') throw new Error('ml_model_lifecycle has a job step train');
    const job = jobFor(run, step, 'train-0123456789') as unknown as {
      metadata: { namespace: string; labels: Record<string, string> };
      spec: {
        backoffLimit: number;
        activeDeadlineSeconds: number;
        template: { spec: Record<string, unknown> };
      };
    };
    expect(job.metadata).toMatchObject({
      namespace: 'org-acme--staging',
      labels: {
        'guardian.aiops.dev/workflow-run': 'wf-ml-abc12',
        'guardian.aiops.dev/workflow-step': 'train',
      },
    });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600 });
    expect(job.spec.template.spec).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'step',
          image: 'registry.example/model:2',
          args: ['train'],
          env: [
            { name: 'GUARDIAN_RUN', value: 'wf-ml-abc12' },
            { name: 'GUARDIAN_ENVIRONMENT', value: 'staging' },
          ],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    });
  });

  it('fills in parameters and facts once, leaving unknown names and values with braces as they are', () => {
    const tricky = { ...run, parameters: { image: '{run}' } } as RunContext;
    expect(fillIn('{image} {run} {nope}', tricky)).toBe('{run} wf-ml-abc12 {nope}');
  });
});
