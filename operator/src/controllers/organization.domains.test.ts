import type { Organization } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { domainConflicts, sharingDomains } from './organization.domains.ts';

const org = (name: string, created: string, domains: string[], deleting = false): Organization => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'Organization',
  metadata: { name, creationTimestamp: created, ...(deleting ? { deletionTimestamp: created } : {}) },
  spec: { displayName: name, plan: 'starter', domains },
});

describe('domainConflicts', () => {
  const first = org('first', '2026-01-01T00:00:00Z', ['acme.com', 'acme.io']);
  const second = org('second', '2026-02-01T00:00:00Z', ['acme.com', 'other.com']);

  it('gives a domain to the older organization and reports the newer one', () => {
    expect(domainConflicts(first, [first, second])).toEqual([]);
    expect(domainConflicts(second, [first, second])).toEqual([{ domain: 'acme.com', heldBy: 'first' }]);
  });

  it('breaks a tie of creation times by name, and ignores organizations being deleted', () => {
    const twin = org('a-twin', '2026-01-01T00:00:00Z', ['acme.io']);
    expect(domainConflicts(first, [first, twin])).toEqual([{ domain: 'acme.io', heldBy: 'a-twin' }]);
    expect(
      domainConflicts(second, [org('first', '2026-01-01T00:00:00Z', ['acme.com'], true), second]),
    ).toEqual([]);
  });

  it('finds the organizations to reconcile again when one changes its domains', () => {
    expect(sharingDomains(first, [first, second]).map((o) => o.metadata?.name)).toEqual(['second']);
  });
});
