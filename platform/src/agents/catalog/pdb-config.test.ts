import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { deployment, pdb, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { pdbConfigCases } from './pdb-config.cases.ts';
import { pdbConfig } from './pdb-config.ts';

describeCases(pdbConfig, pdbConfigCases);

const found = (objects: Parameters<typeof snapshotOf>[0]) =>
  evaluate([pdbConfig], snapshotOf(objects), { now: CASE_CLOCK.now }).findings.map((f) => [
    f.check,
    f.resource.name,
    f.evidence,
  ]);

describe('pdb-config', () => {
  it('reads maxUnavailable 0% as blocking, 1% and minAvailable 99% as not', () => {
    const web = deployment('web', podSpec());
    const checks = (spec: Parameters<typeof pdb>[2]) =>
      found([web, pdb('web', 'web', spec)]).map(([check]) => check);
    expect(checks({ maxUnavailable: '0%' })).toEqual(['pdb-config/blocks-all-evictions']);
    expect(checks({ maxUnavailable: '1%' })).toEqual([]);
    expect(checks({ minAvailable: '99%' })).toEqual([]);
  });

  it('fires no-disruptions-allowed only when Pods are expected', () => {
    const web = deployment('web', podSpec());
    const status = (expectedPods: number, disruptionsAllowed: number) =>
      pdb(
        'web',
        'web',
        { maxUnavailable: 1 },
        { expectedPods, disruptionsAllowed, currentHealthy: 0, desiredHealthy: 0 },
      );
    expect(found([web, status(0, 0)])).toEqual([]);
    expect(found([web, status(1, 1)])).toEqual([]);
    expect(found([web, status(1, 0)]).map(([check]) => check)).toEqual(['pdb-config/no-disruptions-allowed']);
  });

  it('shows the selector of a PDB that selects nothing; an empty one selects every Pod', () => {
    const web = deployment('web', podSpec());
    const selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] };
    expect(found([web, pdb('tiered', 'web', { maxUnavailable: 1, selector })])).toEqual([
      [
        'pdb-config/selects-no-pods',
        'tiered',
        {
          selector: { matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'Exists', values: [] }] },
        },
      ],
    ]);
    expect(found([web, pdb('all', 'web', { maxUnavailable: 1, selector: {} })])).toEqual([]);
  });
});
