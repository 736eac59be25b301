import { describe, expect, it } from 'vitest';
import { labelSelectorError } from './selector.ts';

describe('labelSelectorError', () => {
  it('accepts what kubectl -l accepts', () => {
    for (const selector of [
      '',
      'guardian.aiops.dev/test-suite=operator',
      'tier==gold',
      'env!=dev,team',
      '!guardian.aiops.dev/test-suite',
      'region in (eu, us-east),tier notin (free)',
      'app.kubernetes.io/name = guardian , example.com/empty=',
    ])
      expect(labelSelectorError(selector), selector).toBeUndefined();
  });

  it('refuses what the apiserver would answer with 400, naming the requirement', () => {
    for (const [selector, named] of [
      ['tier=gold,', '""'],
      ['tier=gold!', 'tier=gold!'],
      ['-tier=gold', '-tier=gold'],
      ['region in eu', 'region in eu'],
      ['Example.COM/tier=gold', 'Example.COM/tier=gold'],
      [`tier=${'x'.repeat(64)}`, 'tier='],
      ['tier=gold;drop', 'tier=gold;drop'],
    ])
      expect(labelSelectorError(selector as string), selector).toContain(named);
  });
});
