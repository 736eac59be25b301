import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type Listed, snapshotOf } from '../testing/case.ts';
import { container, deployment, node, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { schedulingCases } from './scheduling.cases.ts';
import { scheduling } from './scheduling.ts';

describeCases(scheduling, schedulingCases);

const run = (objects: readonly Listed[], cluster: Parameters<typeof snapshotOf>[1] = {}) =>
  evaluate([scheduling], snapshotOf(objects, cluster), { now: CASE_CLOCK.now });

describe('scheduling', () => {
  const big = deployment(
    'big',
    podSpec({
      nodeSelector: { pool: 'x' },
      containers: [container('app', { resources: { requests: { cpu: '4', memory: '3Gi' } } })],
    }),
  );
  const sized = (name: string, cpu: string, memory?: string) =>
    node(name, { pool: 'x' }, { status: { allocatable: memory ? { cpu, memory } : { cpu } } });

  it('is skipped when Nodes are not readable', () => {
    const result = run([big], { nodes: undefined });
    expect(result.findings).toEqual([]);
    expect(result.skipped.map((s) => s.check)).toEqual([
      'scheduling/node-selector-matches-no-node',
      'scheduling/requests-exceed-node-allocatable',
    ]);
  });

  it('compares with the largest Node; a Node without an allocatable amount has none', () => {
    expect(run([big, sized('a', '2', '8Gi'), sized('b', '4', '2Gi')]).findings).toEqual([]);
    const [finding] = run([big, sized('a', '2', '8Gi'), sized('b', '3500m')]).findings;
    expect(finding?.message).toBe(
      'Deployment big requests more than any Node can give: cpu 4 cores (the largest Node has 3.5).',
    );
    expect(finding?.evidence).toEqual({
      exceeded: [{ resource: 'cpu', unit: 'cores', request: 4, largestAllocatable: 3.5 }],
      nodes: 2,
    });
  });

  it('reports a constrained workload when the cluster has no Node at all', () => {
    expect(run([big]).findings.map((f) => f.check)).toEqual([
      'scheduling/node-selector-matches-no-node',
      'scheduling/requests-exceed-node-allocatable',
    ]);
    expect(run([deployment('plain')]).findings).toEqual([]);
  });
});
