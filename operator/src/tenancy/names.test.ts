import { describe, expect, it } from 'vitest';
import { anOrganization, managedBy, ownerReferenceOf } from '../../../test/support/builders.ts';
import { childMetadata, controlNamespace, organizationOfNamespace, workloadNamespace } from './names.ts';

describe('names', () => {
  it('names the control and workload namespaces of an organization', () => {
    expect(controlNamespace('acme')).toBe('org-acme');
    expect(workloadNamespace('acme', 'production')).toBe('org-acme--production');
  });

  it('finds the organization of a control namespace, and of no other namespace', () => {
    expect(organizationOfNamespace('org-acme')).toBe('acme');
    expect(organizationOfNamespace('org-acme-eu')).toBe('acme-eu');
    for (const namespace of ['org-acme--production', 'default', 'org-', 'my-org-acme'])
      expect(organizationOfNamespace(namespace), namespace).toBeUndefined();
  });

  it('gives a child its name, namespace, our labels and the organization as controlling owner', () => {
    const acme = anOrganization('acme');
    expect(childMetadata(acme, 'guardian-plan', 'org-acme--qa')).toEqual({
      name: 'guardian-plan',
      namespace: 'org-acme--qa',
      labels: managedBy('acme'),
      ownerReferences: [ownerReferenceOf(acme)],
    });
  });
});
