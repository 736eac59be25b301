import { describe, expect, it } from 'vitest';
import { anOrganization, aPlan, managedBy, ownerReferenceOf } from '../../../test/support/builders.ts';
import { desiredLimitRange, desiredResourceQuota } from './organization.quota.ts';

const acme = anOrganization('acme');
const metadata = {
  name: 'guardian-plan',
  namespace: 'org-acme--production',
  labels: managedBy('acme'),
  ownerReferences: [ownerReferenceOf(acme)],
};

describe('desiredResourceQuota', () => {
  it("is the plan's hard limits, every quantity a string", () => {
    const plan = aPlan('starter', {
      resourceQuota: { hard: { 'requests.cpu': 2, 'requests.memory': '4Gi', pods: 20 } },
    });
    expect(desiredResourceQuota(acme, plan, 'org-acme--production')).toEqual({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata,
      spec: { hard: { 'requests.cpu': '2', 'requests.memory': '4Gi', pods: '20' } },
    });
  });

  it('holds exactly what the plan sets, so a limit the plan drops is dropped here', () => {
    const plan = aPlan('starter', { resourceQuota: { hard: { 'requests.cpu': 2 } } });
    expect(desiredResourceQuota(acme, plan, 'org-acme--production')?.spec?.hard).toEqual({
      'requests.cpu': '2',
    });
  });

  it('is none when the plan limits nothing', () => {
    expect(desiredResourceQuota(acme, aPlan('custom'), 'org-acme--production')).toBeUndefined();
    expect(
      desiredResourceQuota(acme, aPlan('custom', { resourceQuota: { hard: {} } }), 'org-acme--production'),
    ).toBeUndefined();
  });
});

describe('desiredLimitRange', () => {
  it("is the plan's container defaults, as strings", () => {
    const plan = aPlan('starter', {
      limitRange: {
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: 0.1, memory: '128Mi' },
      },
    });
    expect(desiredLimitRange(acme, plan, 'org-acme--production')).toEqual({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata,
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '0.1', memory: '128Mi' },
          },
        ],
      },
    });
  });

  it('leaves out what the plan leaves out, and is none without defaults', () => {
    const limits = desiredLimitRange(acme, aPlan('p', { limitRange: { default: { cpu: 1 } } }), 'ns')?.spec
      ?.limits;
    expect(limits).toEqual([{ type: 'Container', default: { cpu: '1' } }]);
    expect(desiredLimitRange(acme, aPlan('p'), 'ns')).toBeUndefined();
    expect(desiredLimitRange(acme, aPlan('p', { limitRange: {} }), 'ns')).toBeUndefined();
  });
});
