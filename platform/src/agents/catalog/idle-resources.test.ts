import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { agentSettings } from '../settings.ts';
import { CASE_CLOCK, type Listed, snapshotOf } from '../testing/case.ts';
import { claim, controllerChain, pod, service, statefulSet } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { idleResourcesCases } from './idle-resources.cases.ts';
import { idleResources } from './idle-resources.ts';

describeCases(idleResources, idleResourcesCases);

const run = (objects: readonly Listed[], settings = agentSettings()) =>
  evaluate([idleResources], snapshotOf(objects), { now: CASE_CLOCK.now, settings }).findings;

describe('idle-resources', () => {
  it('prices an unused claim at the storage price, in the currency of the settings', () => {
    const objects = [claim('data', { resources: { requests: { storage: '50Gi' } } })];
    expect(run(objects)[0]?.evidence).toEqual({ storageGiB: 50, monthly: 5, currency: 'USD' });
    const [finding] = run(objects, agentSettings({ currency: 'EUR', prices: { storageGiB: 0.2 } }));
    expect(finding?.message).toBe(
      'PersistentVolumeClaim data is mounted by no pod template or Pod, and costs about EUR 10.00 a month (50 GiB).',
    );
  });

  it("exempts a generic ephemeral volume's claim, which its Pod owns", () => {
    const [scratch, owner] = controllerChain(claim('app-scratch'), pod('app'));
    expect(run([scratch, owner])).toEqual([]);
    expect(run([claim('app-scratch'), pod('app')]).map((f) => f.check)).toEqual([
      'idle-resources/pvc-unused',
    ]);
  });

  it('reads StatefulSet claim names by their last dash, ordinals without leading zeros', () => {
    const web = statefulSet('web-db', undefined, {
      spec: { replicas: 3, serviceName: 'web-db', volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
    });
    const unused = (name: string) => run([web, claim(name)]).map((f) => f.resource.name);
    expect(unused('data-web-db-2')).toEqual([]);
    expect(unused('data-web-db-3')).toEqual(['data-web-db-3']);
    expect(unused('data-web-db-02')).toEqual(['data-web-db-02']);
    expect(unused('data-web-db')).toEqual(['data-web-db']);
    expect(unused('logs-web-db-0')).toEqual(['logs-web-db-0']);
  });

  it('prices an idle load balancer; one without a selector is not evaluated', () => {
    const [finding] = run([service('public', { app: 'public' }, { type: 'LoadBalancer' })]);
    expect(finding?.evidence).toEqual({ endpointSlices: [], endpoints: 0, monthly: 18, currency: 'USD' });
    expect(run([service('manual', undefined, { type: 'LoadBalancer' })])).toEqual([]);
  });
});
