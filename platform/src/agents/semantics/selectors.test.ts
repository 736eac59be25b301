import { describe, expect, it } from 'vitest';
import { labelSelectorMatches, mapSelectorMatches } from './selectors.ts';

const labels = { app: 'web', tier: 'frontend' };

describe('mapSelectorMatches', () => {
  it('matches when every pair is among the labels', () => {
    expect(mapSelectorMatches({ app: 'web' }, labels)).toBe(true);
    expect(mapSelectorMatches({ app: 'web', tier: 'frontend' }, labels)).toBe(true);
  });

  it('does not match a differing or missing pair', () => {
    expect(mapSelectorMatches({ app: 'api' }, labels)).toBe(false);
    expect(mapSelectorMatches({ app: 'web', zone: 'a' }, labels)).toBe(false);
  });

  it('treats an empty or absent selector as no selector', () => {
    expect(mapSelectorMatches({}, labels)).toBe(false);
    expect(mapSelectorMatches(undefined, labels)).toBe(false);
  });
});

describe('labelSelectorMatches', () => {
  it('matches everything when empty, nothing when absent', () => {
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches({}, {})).toBe(true);
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
  });

  it('requires every matchLabels pair', () => {
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'web', tier: 'backend' } }, labels)).toBe(false);
  });

  it.each([
    ['In', ['web', 'api'], true],
    ['In', ['api'], false],
    ['NotIn', ['api'], true],
    ['NotIn', ['web'], false],
    ['Exists', [], true],
    ['DoesNotExist', [], false],
  ])('app %s %j → %s', (operator, values, expected) => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'app', operator, values }] }, labels)).toBe(
      expected,
    );
  });

  it('reads expressions on an absent key as Kubernetes does', () => {
    const on = (operator: string, values?: string[]) =>
      labelSelectorMatches({ matchExpressions: [{ key: 'zone', operator, values }] }, labels);
    expect(on('In', ['a'])).toBe(false);
    expect(on('NotIn', ['a'])).toBe(true);
    expect(on('Exists')).toBe(false);
    expect(on('DoesNotExist')).toBe(true);
  });

  it('needs matchLabels and every expression together', () => {
    const selector = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }],
    };
    expect(labelSelectorMatches(selector, labels)).toBe(false);
    expect(labelSelectorMatches(selector, { app: 'web', tier: 'backend' })).toBe(true);
  });

  it('selects nothing with an operator the API would reject', () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'Like' }] }, labels)).toBe(
      false,
    );
  });
});
