import { describe, expect, it } from 'vitest';
import { atLeast, labelFrom } from './wait.ts';

describe('labelFrom', () => {
  it('makes DNS labels without -- from display names', () => {
    expect(labelFrom('TechCorp Enterprise', 30)).toBe('techcorp-enterprise');
    expect(labelFrom('DevOps Team', 63)).toBe('devops-team');
    expect(labelFrom('  A -- B __ C!  ', 30)).toBe('a-b-c');
    expect(labelFrom('Café Zürich', 30)).toBe('cafe-zurich');
    expect(labelFrom('x'.repeat(40), 30)).toHaveLength(30);
    expect(labelFrom('Über-long organization name for cutting', 30)).toBe('uber-long-organization-name-fo');
    expect(labelFrom('!!!', 30)).toBe('');
  });
});

describe('atLeast', () => {
  const at = (resourceVersion?: string) => ({ metadata: { resourceVersion } });
  it('compares numeric resourceVersions as numbers, others only for equality', () => {
    expect(atLeast(at('100'), at('99'))).toBe(true);
    expect(atLeast(at('99'), at('100'))).toBe(false);
    expect(atLeast(at('abc'), at('abc'))).toBe(true);
    expect(atLeast(at('abd'), at('abc'))).toBe(false);
    expect(atLeast(undefined, at('1'))).toBe(false);
  });
});
