import { describe, expect, it } from 'vitest';
import { checkParameters } from './parameters.ts';
import { matchesPattern, patternProblem } from './pattern.ts';
import { WorkflowTemplate } from './templates.ts';

describe('string parameter patterns', () => {
  it('matches the whole value', () => {
    expect(matchesPattern('[a-z]+', 'abc')).toBe(true);
    expect(matchesPattern('[a-z]+', 'abc1')).toBe(false);
    expect(matchesPattern('a|b', 'ab')).toBe(false);
  });

  it('gives up on a pattern that backtracks catastrophically instead of holding the process', () => {
    // Without the budget this call would not return for ages (2^64 ways to split the a's).
    expect(matchesPattern('(a+)+', `${'a'.repeat(64)}!`)).toBe('too-slow');
    const template = { parameters: { name: { kind: 'string', pattern: '(a+)+', maxLength: 1024 } } };
    const checked = checkParameters(template as never, { name: `${'a'.repeat(64)}!` });
    expect(checked).toMatchObject({
      ok: false,
      errors: [{ parameter: 'name', message: expect.stringMatching(/could not be matched .* in time/) }],
    });
  });

  it('refuses a template whose pattern is no regular expression', () => {
    expect(patternProblem('[a-')).toMatch(/is not a regular expression/);
    expect(patternProblem('(?<x>a)\\k<x>')).toBeUndefined();
    const parsed = WorkflowTemplate.safeParse({
      name: 'bad_pattern',
      namePrefix: 'bad',
      description: 'A bad pattern',
      parameters: { name: { kind: 'string', description: 'n', pattern: '(unclosed' } },
      steps: [{ name: 'tell', type: 'notify', description: 't', message: '{name}' }],
    });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['parameters.name.pattern', expect.stringMatching(/is not a regular expression/)],
    ]);
  });
});
