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

describe('workflow templates', () => {
  it('offers deployment_health_check, and no template with a step type the operator cannot run yet', () => {
    expect(builtInTemplates.list().map((t) => t.name)).toEqual(['deployment_health_check']);
    for (const template of builtInTemplates.list())
      for (const step of template.steps) expect(STEP_TYPES_AVAILABLE).toContain(step.type);
    const health = builtInTemplates.get('deployment_health_check');
    expect(health?.steps.map((s) => [s.name, s.type])).toEqual([
      ['analysis', 'agents'],
      ['watch', 'monitor'],
    ]);
    expect(health?.parameters.window).toMatchObject({ kind: 'duration', default: '30s' });
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
      ['no steps', { ...gated, steps: [] }],
      [
        'a required parameter with a default',
        { ...gated, parameters: { x: { kind: 'string', description: 'x', required: true, default: 'y' } } },
      ],
    ];
    for (const [defect, template] of defects)
      expect([defect, WorkflowTemplate.safeParse(template).success]).toEqual([defect, false]);
  });

  it('adds test templates to a catalog, refusing a second template of one name', () => {
    const catalog = builtInTemplates.with([gated]);
    expect(catalog.get('gated_check')?.steps).toHaveLength(3);
    expect(catalog.get('deployment_health_check')).toBeDefined();
    expect(() => new TemplateCatalog([gated, gated])).toThrow(/share a name/);
    expect(() => new TemplateCatalog([{ ...gated, steps: [] }])).toThrow(/not valid/);
  });
});
