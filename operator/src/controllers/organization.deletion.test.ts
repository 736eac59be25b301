import { describe, expect, it } from 'vitest';
import { anOrganization } from '../../../test/support/builders.ts';
import { FakeClock } from '../../../test/support/fake-clock.ts';
import { pendingDeletion } from './organization.deletion.ts';

const DAY = 24 * 60 * 60 * 1000;
const requestedAt = '2026-03-01T12:00:00.000Z';
const pending = anOrganization('acme', { deletion: { requestedAt } });

describe('pendingDeletion', () => {
  it('is nothing without spec.deletion', () => {
    expect(pendingDeletion(anOrganization('acme'), 7 * DAY, Date.parse(requestedAt))).toEqual({
      pending: false,
    });
  });

  it('schedules the deletion a grace period after the request and becomes due exactly then', () => {
    const clock = new FakeClock(Date.parse(requestedAt));
    const first = pendingDeletion(pending, 7 * DAY, clock.now());
    expect(first).toEqual({
      pending: true,
      scheduledAt: new Date('2026-03-08T12:00:00.000Z'),
      due: false,
      waitMs: DAY,
    });
    clock.advance(7 * DAY - 1);
    expect(pendingDeletion(pending, 7 * DAY, clock.now())).toMatchObject({ due: false, waitMs: 1 });
    clock.advance(1);
    expect(pendingDeletion(pending, 7 * DAY, clock.now())).toMatchObject({ due: true, waitMs: 0 });
  });

  it('is due at once with a zero grace period', () => {
    expect(pendingDeletion(pending, 0, Date.parse(requestedAt))).toMatchObject({ due: true });
  });
});
