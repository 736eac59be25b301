import { describe, expect, it } from 'vitest';
import { pinnedTemplates, pinTemplate } from './pinned.ts';
import { builtInTemplates } from './templates.ts';

const cost = builtInTemplates.get('cost_optimization_pipeline');

describe('pinned templates', () => {
  it('gives back the template a run was accepted with, and only under its name', () => {
    if (!cost) throw new Error('no cost pipeline');
    const pinned = pinTemplate(cost, 'built_in', undefined);
    expect(pinned).toMatchObject({ name: cost.name, source: 'built_in' });
    expect(pinned).not.toHaveProperty('generation');
    const checked = pinnedTemplates(JSON.parse(JSON.stringify(pinned)));
    if (!checked.ok) throw new Error(checked.message);
    expect(checked.templates.get(cost.name)).toEqual(cost);
    expect(checked.templates.get('security_hardening_pipeline')).toBeUndefined();
    expect(checked.templates.list()).toEqual([cost]);
    expect(pinTemplate(cost, 'organization', 3).generation).toBe(3);
  });

  it.each([
    ['a copy the schema no longer accepts', { steps: [{ name: 'x', type: 'teleport' }] }],
    ['a copy under another name', { name: 'security_hardening_pipeline' }],
  ])('refuses %s', (_, change) => {
    if (!cost) throw new Error('no cost pipeline');
    const pinned = pinTemplate(cost, 'built_in', undefined);
    const checked = pinnedTemplates({ ...pinned, definition: { ...pinned.definition, ...change } });
    expect(checked).toEqual({
      ok: false,
      message: `The copy of template ${cost.name} this run was accepted with is no longer valid`,
    });
  });
});
