import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type KubeManifest, snapshotOf } from '../testing/case.ts';
import { describeCases } from '../testing/run-cases.ts';
import { quotaGovernanceCases } from './quota-governance.cases.ts';
import { quotaGovernance } from './quota-governance.ts';

describeCases(quotaGovernance, quotaGovernanceCases);

describe('quota-governance/quota-near-limit', () => {
  const near = (used: Record<string, string>, hard: Record<string, string>) => {
    const quota: KubeManifest = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute' },
      spec: { hard },
      status: { hard, used },
    };
    return evaluate([quotaGovernance], snapshotOf([quota]), { now: CASE_CLOCK.now }).findings.find(
      (f) => f.check === 'quota-governance/quota-near-limit',
    );
  };

  it('fires from 90% of a quantity, decimal and binary suffixes alike', () => {
    expect(near({ 'requests.cpu': '90m' }, { 'requests.cpu': '100m' })?.evidence).toEqual({
      resources: [{ resource: 'requests.cpu', used: '90m', hard: '100m', percent: 90 }],
    });
    expect(near({ 'requests.cpu': '89m' }, { 'requests.cpu': '100m' })).toBeUndefined();
    expect(near({ 'requests.memory': '922Mi' }, { 'requests.memory': '1Gi' })).toBeDefined();
    expect(near({ 'requests.memory': '921Mi' }, { 'requests.memory': '1Gi' })).toBeUndefined();
  });

  it('names each resource near its limit, and reads an absent used as 0', () => {
    const finding = near(
      { pods: '10', 'requests.cpu': '1' },
      { pods: '10', 'requests.cpu': '4', secrets: '5' },
    );
    expect(finding?.message).toBe(
      'ResourceQuota compute is nearly used up: pods 10 of 10 (100%); new objects or Pods beyond it are rejected.',
    );
  });
});
