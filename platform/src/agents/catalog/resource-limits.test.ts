import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { resourceLimitsCases } from './resource-limits.cases.ts';
import { resourceLimits } from './resource-limits.ts';

const { now } = CASE_CLOCK;

describeCases(resourceLimits, resourceLimitsCases);

describe('resource-limits findings', () => {
  it('name the containers lacking the value, and say what to set', () => {
    const spec = podSpec({
      containers: [container('app', { resources: { requests: { cpu: '1' } } }), container('worker')],
    });
    const finding = evaluate([resourceLimits], snapshotOf([deployment('api', spec)]), { now }).findings.find(
      (f) => f.check === 'resource-limits/cpu-request-missing',
    );
    expect(finding?.message).toBe('Deployment api has running containers without a CPU request: worker.');
    expect(finding?.evidence).toEqual({ containers: ['worker'] });
    expect(finding?.remediation).toContain(
      '        - name: worker\n          resources:\n            requests:\n              cpu: 100m',
    );
  });
});
