import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type KubeManifest, snapshotOf } from '../testing/case.ts';
import { controllerChain, deployment, pod, replicaSet } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { networkPolicyCases } from './network-policy.cases.ts';
import { networkPolicy } from './network-policy.ts';

describeCases(networkPolicy, networkPolicyCases);

describe('network-policy', () => {
  const selecting = (labels: Record<string, string>): KubeManifest => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web' },
    spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress', 'Egress'] },
  });
  const checks = (objects: Parameters<typeof snapshotOf>[0]) =>
    evaluate([networkPolicy], snapshotOf(objects), { now: CASE_CLOCK.now }).findings.map(
      (f) => `${f.check} ${f.resource.name}`,
    );

  it("matches a policy's selector against live Pods' labels too", () => {
    const [live, replicas, web] = controllerChain(
      {
        ...pod('web-7d4-x'),
        metadata: { name: 'web-7d4-x', labels: { app: 'web', 'pod-template-hash': '7d4' } },
      },
      replicaSet('web-7d4'),
      deployment('web'),
    );
    const selectsNothing = (hash: string) =>
      checks([selecting({ 'pod-template-hash': hash }), live, replicas, web]).includes(
        'network-policy/policy-selects-nothing web',
      );
    expect(selectsNothing('7d4')).toBe(false);
    expect(selectsNothing('9f1')).toBe(true);
  });

  it('says which policies select a workload that is not isolated in one direction', () => {
    const ingressOnly: KubeManifest = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api-in' },
      spec: { podSelector: { matchLabels: { app: 'api' } } },
    };
    const [finding] = evaluate([networkPolicy], snapshotOf([deployment('api'), ingressOnly]), {
      now: CASE_CLOCK.now,
    }).findings;
    expect(finding?.check).toBe('network-policy/pod-not-isolated-egress');
    expect(finding?.evidence).toEqual({ selectedBy: ['api-in'] });
    expect(finding?.remediation).toContain(
      '  podSelector:\n    matchLabels:\n      app: api\n  policyTypes: [Egress]',
    );
  });
});
