import { describe, expect, it } from 'vitest';
import { anOrganization, managedBy, ownerReferenceOf } from '../../../test/support/builders.ts';
import {
  conflicts,
  desiredControlNamespace,
  desiredWorkloadNamespaces,
  type Namespace,
} from './organization.namespaces.ts';

const acme = anOrganization('acme', { environments: ['production', 'qa'] });

describe('desiredControlNamespace', () => {
  it('is org-<org>, labelled as ours and owned by the organization', () => {
    expect(desiredControlNamespace(acme)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'org-acme', labels: managedBy('acme'), ownerReferences: [ownerReferenceOf(acme)] },
    });
  });
});

describe('desiredWorkloadNamespaces', () => {
  it('is one org-<org>--<env> per environment, labelled with it', () => {
    expect(desiredWorkloadNamespaces(acme)).toEqual(
      ['production', 'qa'].map((env) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: `org-acme--${env}`,
          labels: { ...managedBy('acme'), 'guardian.aiops.dev/environment': env },
          ownerReferences: [ownerReferenceOf(acme)],
        },
      })),
    );
  });

  it('defaults to production and staging, and is the same on every call (no time, no randomness)', () => {
    const plain = anOrganization('plain');
    expect(desiredWorkloadNamespaces(plain).map((ns) => ns.metadata?.name)).toEqual([
      'org-plain--production',
      'org-plain--staging',
    ]);
    expect(desiredWorkloadNamespaces(plain)).toEqual(desiredWorkloadNamespaces(plain));
  });
});

describe('conflicts', () => {
  const ours = desiredControlNamespace(acme);
  const namespace = (name: string, labels?: Record<string, string>, ownerUid?: string): Namespace => ({
    metadata: {
      name,
      labels,
      ...(ownerUid ? { ownerReferences: [{ ...ownerReferenceOf(acme), uid: ownerUid }] } : {}),
    },
  });

  it('accepts what does not exist yet and what is this organization’s', () => {
    expect(conflicts(acme, [undefined, ours, ...desiredWorkloadNamespaces(acme)])).toEqual([]);
  });

  it('never adopts a namespace without our labels, another organization’s, or a namesake’s', () => {
    expect(
      conflicts(acme, [
        ours,
        namespace('org-acme--production', { owner: 'someone-else' }),
        namespace('org-acme--qa', managedBy('other'), 'uid-acme'),
        // Labelled for acme, but owned by an earlier organization of that name.
        namespace('org-acme--dev', managedBy('acme'), 'uid-earlier-acme'),
      ]),
    ).toEqual(['org-acme--production', 'org-acme--qa', 'org-acme--dev']);
  });
});
