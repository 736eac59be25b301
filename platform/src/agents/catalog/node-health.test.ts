import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { node, pod } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { nodeHealthCases } from './node-health.cases.ts';
import { nodeHealth } from './node-health.ts';

describeCases(nodeHealth, nodeHealthCases);

describe('node-health', () => {
  it('reports every Node of the cluster, cluster-scoped, even one without a Ready condition', () => {
    const { findings } = evaluate([nodeHealth], snapshotOf([pod('web'), node('fresh', {})]), {
      now: CASE_CLOCK.now,
    });
    expect(findings.map((f) => [f.check, f.resource, f.message])).toEqual([
      [
        'node-health/node-not-ready',
        { kind: 'Node', namespace: null, name: 'fresh' },
        'Node fresh is not Ready (no Ready condition): its Pods are evicted and no new ones start there.',
      ],
    ]);
  });

  it('is skipped when Nodes are not readable', () => {
    const result = evaluate([nodeHealth], snapshotOf([], { nodes: undefined }), { now: CASE_CLOCK.now });
    expect(result.skipped).toHaveLength(3);
  });
});
