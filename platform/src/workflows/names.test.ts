import { describe, expect, it } from 'vitest';
import { platformUserOf, runName, stepKey, uuidFrom } from './names.ts';

describe('run names and step keys', () => {
  it('names runs wf-<prefix>-<5 characters>, valid Kubernetes names that differ', () => {
    const names = new Set(Array.from({ length: 50 }, () => runName({ namePrefix: 'cost' })));
    for (const name of names) expect(name).toMatch(/^wf-cost-[a-z0-9]{5}$/);
    expect(names.size).toBeGreaterThan(45);
  });

  it('derives one UUID per step key, the same every time', () => {
    const key = stepKey('0b6f1c9e-uid', 'analysis');
    expect(key).toBe('0b6f1c9e-uid/analysis');
    expect(uuidFrom(key)).toBe(uuidFrom(key));
    expect(uuidFrom(key)).not.toBe(uuidFrom(stepKey('0b6f1c9e-uid', 'watch')));
    expect(uuidFrom(key)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('tells platform users from Kubernetes users', () => {
    expect(platformUserOf('guardian:4f7e')).toBe('4f7e');
    expect(platformUserOf('oidc:carol@startupco.io')).toBeUndefined();
  });
});
