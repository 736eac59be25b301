import type { Organization, WorkflowRunStatus } from '@guardian/crds/generated';
import { builtInTemplates, REASONS } from '@guardian/platform/workflows';
import { describe, expect, it } from 'vitest';
import {
  checkRun,
  currentStep,
  finished,
  initialSteps,
  type Run,
  type StepStatus,
} from './workflowrun.run.ts';

const org = {
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'Organization',
  metadata: { name: 'acme' },
  spec: { plan: 'starter', environments: ['staging', 'production'] },
} as unknown as Organization;

const run = (spec: Partial<Run['spec']>): Run =>
  ({
    metadata: { name: 'wf-health-abc12', namespace: 'org-acme', uid: 'u1', generation: 1 },
    spec: {
      template: 'deployment_health_check',
      environment: 'staging',
      requestedBy: 'oidc:carol@startupco.io',
      ...spec,
    },
  }) as Run;

const check = (spec: Partial<Run['spec']>, teams: string[] = []) =>
  checkRun(run(spec), org, builtInTemplates, (team) => teams.includes(team));

describe('checkRun', () => {
  it('accepts a known template and environment, filling in the parameters’ defaults', () => {
    expect(check({})).toMatchObject({
      template: { name: 'deployment_health_check' },
      parameters: { window: '30s' },
    });
    expect(check({ team: 'payments' }, ['payments'])).toHaveProperty('template');
  });

  it('refuses, with one reason per class of bad input, what cannot run', () => {
    expect(check({ template: 'nope' })).toMatchObject({ reason: REASONS.templateNotFound });
    expect(check({ environment: 'qa' })).toMatchObject({ reason: REASONS.environmentNotFound });
    expect(check({ parameters: { window: 'forever' } })).toMatchObject({ reason: REASONS.invalidParameters });
    expect(check({ parameters: { colour: 'red' } })).toMatchObject({ reason: REASONS.invalidParameters });
    expect(check({ team: 'ghosts' })).toMatchObject({ reason: REASONS.teamNotFound });
  });
});

describe('a run’s steps in status', () => {
  it('works on the first unfinished step, and ends the rest when the run ends', () => {
    const template = builtInTemplates.get('deployment_health_check');
    if (!template) throw new Error('no template');
    const steps = initialSteps(template);
    expect(steps.map((s) => `${s.name}:${s.phase}`)).toEqual(['analysis:Pending', 'watch:Pending']);
    const [analysis, watch] = steps as [StepStatus, StepStatus];
    const midway: WorkflowRunStatus = {
      phase: 'Running',
      steps: [
        { ...analysis, phase: 'Succeeded' },
        { ...watch, phase: 'Running' },
      ],
    };
    expect(currentStep(midway)?.name).toBe('watch');
    const ended = finished(midway, run({}), 'Cancelled', REASONS.cancelled, 'stop', Date.UTC(2026, 0, 1));
    expect(ended.steps?.map((s) => `${s.name}:${s.phase}`)).toEqual([
      'analysis:Succeeded',
      'watch:Cancelled',
    ]);
    expect(ended.conditions?.[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: REASONS.cancelled,
    });
    expect(ended.finishedAt).toBe('2026-01-01T00:00:00Z');
    expect(currentStep(ended)).toBeUndefined();
  });
});
