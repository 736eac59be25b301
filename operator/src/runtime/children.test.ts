import type { KubeObject } from '@guardian/kube/resources';
import { describe, expect, it } from 'vitest';
import { APPLIED_HASH, appliedHash, contains, upToDate, withAppliedHash } from './children.ts';

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

describe('upToDate', () => {
  const quota = (hard: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'guardian-plan', namespace: 'org-a--production' },
    spec: { hard },
  });
  // What the informer holds after an apply: the applied object plus what the apiserver adds.
  const stored = (applied: ReturnType<typeof quota>) => {
    const sent = withAppliedHash(applied);
    return { ...sent, metadata: { ...sent.metadata, uid: 'u', resourceVersion: '7' }, status: { hard: {} } };
  };

  it('skips an object that is what was last applied', () => {
    const desired = quota({ 'requests.cpu': '2', pods: '10' });
    expect(upToDate(stored(desired), desired)).toBe(true);
  });

  it('applies a desired state that only drops a field, which a subset check would skip', () => {
    const before = stored(quota({ 'requests.cpu': '2', pods: '10' }));
    const after = quota({ 'requests.cpu': '2' });
    expect(contains(before, after)).toBe(true);
    expect(upToDate(before, after)).toBe(false);
  });

  it('repairs drift: a value changed by someone else, with our digest still on the object', () => {
    const desired = quota({ pods: '10' });
    const drifted = stored(desired);
    drifted.spec.hard.pods = '99';
    expect(upToDate(drifted, desired)).toBe(false);
  });

  it('applies an object that is missing, or was never annotated (made before the digest existed)', () => {
    const desired = quota({ pods: '10' });
    expect(upToDate(undefined, desired)).toBe(false);
    expect(upToDate(desired, desired)).toBe(false);
  });

  it('hashes equal objects equally, whatever the order of their keys', () => {
    const a = { metadata: { name: 'q', labels: { x: '1', y: '2' } }, spec: { hard: { a: '1', b: '2' } } };
    const b = { spec: { hard: { b: '2', a: '1' } }, metadata: { labels: { y: '2', x: '1' }, name: 'q' } };
    expect(appliedHash(a)).toBe(appliedHash(b));
    const fewer = { ...a, spec: { hard: { a: '1' } } };
    expect(appliedHash(a)).not.toBe(appliedHash(fewer));
    expect(withAppliedHash<KubeObject>(a).metadata?.annotations).toEqual({ [APPLIED_HASH]: appliedHash(a) });
    expect(a.metadata).not.toHaveProperty('annotations');
  });
});
