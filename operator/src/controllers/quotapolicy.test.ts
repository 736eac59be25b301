import { describe, expect, it } from 'vitest';
import { anOrganization, aPlan } from '../../../test/support/builders.ts';
import { desiredPlanStatus } from './quotapolicy.ts';

const t0 = new Date('2026-01-01T00:00:00.250Z');
const t1 = new Date('2026-02-01T00:00:00Z');

describe('desiredPlanStatus', () => {
  const starter = aPlan('starter');

  it('counts the organizations on the plan, and accepts it', () => {
    const organizations = [
      anOrganization('a'),
      anOrganization('b'),
      anOrganization('c', { plan: 'enterprise' }),
    ];
    expect(desiredPlanStatus(starter, organizations, t0)).toEqual({
      observedGeneration: 2,
      organizations: 2,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Accepted',
          message: 'Plan is available to organizations',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    });
    expect(desiredPlanStatus(starter, [], t0)?.organizations).toBe(0);
  });

  it('is unchanged later when nothing changed, so no status is written', () => {
    const status = desiredPlanStatus(starter, [anOrganization('a')], t0);
    expect(desiredPlanStatus({ ...starter, status }, [anOrganization('a')], t1)).toEqual(status);
  });
});
