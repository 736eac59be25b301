import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { agentSettings } from '../settings.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { service } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { serviceCostCases } from './service-cost.cases.ts';
import { serviceCost } from './service-cost.ts';

describeCases(serviceCost, serviceCostCases);

describe('service-cost', () => {
  it('prices each load balancer at the settings, and names its duplicates', () => {
    const objects = ['a', 'b', 'c'].map((name) => service(name, { app: 'web' }, { type: 'LoadBalancer' }));
    const settings = agentSettings({ currency: 'EUR', prices: { loadBalancer: 20 } });
    const findings = evaluate([serviceCost], snapshotOf(objects), { now: CASE_CLOCK.now, settings }).findings;
    expect(findings.find((f) => f.check === 'service-cost/loadbalancer-service')?.message).toBe(
      'Service a is a load balancer: about EUR 20.00 a month.',
    );
    expect(findings.find((f) => f.check === 'service-cost/duplicate-loadbalancers')?.evidence).toEqual({
      selector: { app: 'web' },
      others: ['b', 'c'],
      monthly: 20,
      currency: 'EUR',
    });
  });
});
