import { describe, expect, it } from 'vitest';
import { contains } from './children.ts';

describe('contains', () => {
  const desired = { metadata: { name: 'q', labels: { a: '1' } }, spec: { hard: { cpu: '2' } } };

  it('ignores what the apiserver adds', () => {
    const actual = {
      metadata: { name: 'q', uid: 'u', labels: { a: '1', extra: 'x' }, managedFields: [] },
      spec: { hard: { cpu: '2' }, scopes: [] },
      status: {},
    };
    expect(contains(actual, desired)).toBe(true);
  });

  it('notices a changed or missing value', () => {
    expect(
      contains({ metadata: { name: 'q', labels: { a: '2' } }, spec: { hard: { cpu: '2' } } }, desired),
    ).toBe(false);
    expect(contains({ metadata: { name: 'q', labels: { a: '1' } }, spec: {} }, desired)).toBe(false);
    expect(contains(undefined, desired)).toBe(false);
  });

  it('compares lists element by element, length included', () => {
    const binding = { subjects: [{ kind: 'User', name: 'oidc:a' }] };
    expect(
      contains(
        { subjects: [{ kind: 'User', name: 'oidc:a', apiGroup: 'rbac.authorization.k8s.io' }] },
        binding,
      ),
    ).toBe(true);
    expect(
      contains(
        {
          subjects: [
            { kind: 'User', name: 'oidc:a' },
            { kind: 'User', name: 'oidc:b' },
          ],
        },
        binding,
      ),
    ).toBe(false);
    expect(contains({ subjects: [{ kind: 'User', name: 'oidc:b' }] }, binding)).toBe(false);
  });
});
