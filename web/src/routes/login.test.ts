import { describe, expect, it } from 'vitest';
import { organizationError } from './login.tsx';

describe('the organization field', () => {
  it('accepts what the API accepts as org (its pattern and length, from the OpenAPI document)', () => {
    for (const org of ['techcorp', 'a', 'acme-2', 'x'.repeat(30)])
      expect(organizationError(org)).toBeUndefined();
  });

  it.each([
    ['TechCorp', 'Use the organization’s ID: lowercase letters, digits and hyphens, like techcorp.'],
    ['-acme', 'Use the organization’s ID: lowercase letters, digits and hyphens, like techcorp.'],
    ['acme corp', 'Use the organization’s ID: lowercase letters, digits and hyphens, like techcorp.'],
    ['x'.repeat(31), 'An organization ID has at most 30 characters.'],
  ])('refuses %j beside the field', (org, message) => {
    expect(organizationError(org)).toBe(message);
  });
});
