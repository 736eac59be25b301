import { describe, expect, it } from 'vitest';
import { anOrganization, managedBy, ownerReferenceOf } from '../../../test/support/builders.ts';
import { desiredNetworkPolicy } from './organization.network.ts';

describe('desiredNetworkPolicy', () => {
  const acme = anOrganization('acme');

  it("denies ingress to a workload namespace but from itself and Guardian's namespace; egress is left alone", () => {
    expect(desiredNetworkPolicy(acme, 'org-acme--staging', 'guardian-system')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'guardian-default',
        namespace: 'org-acme--staging',
        labels: managedBy('acme'),
        ownerReferences: [ownerReferenceOf(acme)],
      },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: {} },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'guardian-system' } } },
            ],
          },
        ],
      },
    });
  });

  it("admits the platform's namespace of this install", () => {
    const from = desiredNetworkPolicy(acme, 'org-acme--staging', 'guardian-eu').spec?.ingress?.[0]?.from;
    expect(from?.[1]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'guardian-eu' } },
    });
  });
});
