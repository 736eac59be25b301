import { describe, expect, it } from 'vitest';
import { builtInTemplates, TemplateCatalog, type TemplateInput, WorkflowTemplate } from './templates.ts';
import { STEP_TYPES_AVAILABLE } from './vocabulary.ts';

const gated: TemplateInput = {
  name: 'gated_check',
  namePrefix: 'gated',
  description: 'A test template with a gate',
  steps: [
    { name: 'scan', type: 'agents', description: 'scan', categories: ['security'] },
    { name: 'gate', type: 'approval', description: 'gate', risk: 'medium' },
    { name: 'tell', type: 'notify', description: 'tell', message: '{template} in {environment}' },
  ],
};

const jobStep = { name: 'train', type: 'job', description: 'Trains', image: '{image}' } as const;

describe('workflow templates', () => {
  it("offers DESIGN.md's four templates, and no template with a step type the operator cannot run", () => {
    expect(builtInTemplates.list().map((t) => t.name)).toEqual([
      'cost_optimization_pipeline',
      'security_hardening_pipeline',
      'deployment_health_check',
      'ml_model_lifecycle',
    ]);
    expect(
      builtInTemplates
        .get('cost_optimization_pipeline')
        ?.steps.map((s) => [s.type, 'risk' in s ? s.risk : '']),
    ).toEqual([
      ['agents', ''],
      ['agents', ''],
      ['approval', 'medium'],
      ['remediate', ''],
    ]);
    expect(builtInTemplates.get('cost_optimization_pipeline')?.parameters.cpuRequest).toMatchObject({
      default: '100m',
    });
    for (const template of builtInTemplates.list())
      for (const step of template.steps) expect(STEP_TYPES_AVAILABLE).toContain(step.type);
    const health = builtInTemplates.get('deployment_health_check');
    expect(health?.steps.map((s) => [s.name, s.type])).toEqual([
      ['analysis', 'agents'],
      ['watch', 'monitor'],
    ]);
    expect(health?.parameters.window).toMatchObject({ kind: 'duration', default: '30s' });
    const ml = builtInTemplates.get('ml_model_lifecycle');
    expect(ml?.steps.map((s) => [s.name, s.type, s.type === 'approval' ? s.risk : null])).toEqual([
      ['train', 'job', null],
      ['validate', 'job', null],
      ['gate', 'approval', 'high'],
      ['deploy', 'rollout', null],
      ['watch', 'monitor', null],
    ]);
    expect(ml?.parameters.image).toMatchObject({ kind: 'string', required: true });
    expect(ml?.parameters.workload).toMatchObject({ kind: 'workload', required: true });
  });

  it('refuses a remediate step fixing resources without the fallback parameters, or fixing nothing, or before a gate', () => {
    const gate = { name: 'gate', type: 'approval', description: 'Approve', risk: 'low' };
    const remediating = (parameters: Record<string, unknown>, remediations: string[], gated = true) =>
      WorkflowTemplate.safeParse({
        name: 'fix_it',
        namePrefix: 'fix',
        description: 'Fixes',
        parameters,
        steps: [
          ...(gated ? [gate] : []),
          { name: 'fix', type: 'remediate', description: 'Fix', remediations },
        ],
      });
    expect(remediating({}, ['securityContext']).success).toBe(true);
    const ungated = remediating({}, ['securityContext'], false);
    expect(ungated.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['steps.0.type', 'a remediate step changes workloads: an approval step must come before it'],
    ]);
    const missing = remediating({}, ['resources']);
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'parameters.cpuRequest',
      'parameters.memoryRequest',
      'parameters.cpuLimit',
      'parameters.memoryLimit',
    ]);
    expect(remediating({}, []).success).toBe(false);
    expect(remediating({}, ['everything']).success).toBe(false);
  });

  it('accepts a valid template and refuses the same template with each defect', () => {
    expect(WorkflowTemplate.safeParse(gated).success).toBe(true);
    const defects: Array<[string, unknown]> = [
      [
        'a step type of Workflows 2/3',
        { ...gated, steps: [{ name: 'fix', type: 'remediate', description: 'x' }] },
      ],
      ['two steps of one name', { ...gated, steps: [gated.steps[0], gated.steps[0]] }],
      ['an unknown category', { ...gated, steps: [{ ...gated.steps[0], categories: ['magic'] }] }],
      ['an unknown risk', { ...gated, steps: [{ ...gated.steps[1], risk: 'extreme' }] }],
      ['a monitor without a window', { ...gated, steps: [{ name: 'w', type: 'monitor', description: 'w' }] }],
      ['a name that is not snake_case', { ...gated, name: 'Gated-Check' }],
      ['an unknown field', { ...gated, retries: 3 }],
      ['an unknown agent', { ...gated, steps: [{ ...gated.steps[0], agents: ['magic'] }] }],
      [
        'an agents step naming neither categories nor agents',
        { ...gated, steps: [{ name: 'scan', type: 'agents', description: 'scan' }] },
      ],
      ['a job without an image', { ...gated, steps: [{ name: 'train', type: 'job', description: 't' }] }],
      ['a job with a rollout’s field', { ...gated, steps: [{ ...jobStep, deployment: 'web' }] }],
      ['a job with a bad timeout', { ...gated, steps: [{ ...jobStep, timeout: 'soon' }] }],
      ['a job retried more than 6 times', { ...gated, steps: [{ ...jobStep, backoffLimit: 7 }] }],
      [
        'a job with a bad annotation key',
        { ...gated, steps: [{ ...jobStep, annotations: { 'not a key': 'x' } }] },
      ],
      ['a job with a bad variable name', { ...gated, steps: [{ ...jobStep, env: { '1X': 'x' } }] }],
      [
        'a rollout changing nothing',
        { ...gated, steps: [{ name: 'ship', type: 'rollout', description: 's', deployment: 'web' }] },
      ],
      [
        'a rollout before any gate',
        {
          ...gated,
          steps: [
            { name: 'ship', type: 'rollout', description: 's', deployment: 'web', image: 'web:2' },
            gated.steps[1],
          ],
        },
      ],
      [
        'a rollout without a deployment',
        { ...gated, steps: [{ name: 'ship', type: 'rollout', description: 's', image: 'web:2' }] },
      ],
      ['no steps', { ...gated, steps: [] }],
      [
        'a required parameter with a default',
        { ...gated, parameters: { x: { kind: 'string', description: 'x', required: true, default: 'y' } } },
      ],
    ];
    for (const [defect, template] of defects)
      expect([defect, WorkflowTemplate.safeParse(template).success]).toEqual([defect, false]);
  });

  it('accepts agents by id, jobs and rollouts', () => {
    const template: TemplateInput = {
      ...gated,
      parameters: { image: { kind: 'string', description: 'image', required: true } },
      steps: [
        { name: 'scan', type: 'agents', description: 'scan', agents: ['probes', 'resource-limits'] },
        { ...jobStep, args: ['train', '--epochs=3'], env: { MODEL: '{image}' }, timeout: '5m' },
        { name: 'gate', type: 'approval', description: 'gate', risk: 'low' },
        {
          name: 'ship',
          type: 'rollout',
          description: 'Ships',
          deployment: 'model',
          image: '{image}',
          annotations: { 'example.com/model': '{run}' },
        },
      ],
    };
    const parsed = WorkflowTemplate.safeParse(template);
    expect(parsed.error).toBeUndefined();
    expect(parsed.data?.steps.map((step) => step.type)).toEqual(['agents', 'job', 'approval', 'rollout']);
  });

  it('adds test templates to a catalog, refusing a second template of one name', () => {
    const catalog = builtInTemplates.with([gated]);
    expect(catalog.get('gated_check')?.steps).toHaveLength(3);
    expect(catalog.get('deployment_health_check')).toBeDefined();
    expect(() => new TemplateCatalog([gated, gated])).toThrow(/share a name/);
    expect(() => new TemplateCatalog([{ ...gated, steps: [] }])).toThrow(/not valid/);
  });
});
