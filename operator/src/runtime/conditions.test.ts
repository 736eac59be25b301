import { describe, expect, it } from 'vitest';
import { type Condition, setConditions } from './conditions.ts';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T00:05:00Z');

describe('setConditions', () => {
  it('adds a condition with the current time, in metav1 precision (seconds)', () => {
    const result = setConditions(
      [],
      [{ type: 'Ready', status: 'False', reason: 'Provisioning', message: 'Creating' }],
      t0,
    );
    expect(result).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Provisioning',
        message: 'Creating',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when only reason or message change', () => {
    const before = setConditions([], [{ type: 'Ready', status: 'False', reason: 'A', message: 'a' }], t0);
    const after = setConditions(before, [{ type: 'Ready', status: 'False', reason: 'B', message: 'b' }], t1);
    expect(after[0]).toMatchObject({ reason: 'B', message: 'b', lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it('moves lastTransitionTime when the status flips', () => {
    const before = setConditions([], [{ type: 'Ready', status: 'False', reason: 'A', message: 'a' }], t0);
    const after = setConditions(
      before,
      [{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }],
      t1,
    );
    expect(after[0]?.lastTransitionTime).toBe('2026-01-01T00:05:00Z');
  });

  it('returns an equal list when nothing changed, so the status write can be skipped', () => {
    const desired = [
      { type: 'NamespacesReady', status: 'True' as const, reason: 'Created', message: '' },
      { type: 'Ready', status: 'True' as const, reason: 'Ready', message: '' },
    ];
    const before: Condition[] = setConditions([], desired, t0);
    expect(setConditions(before, desired, t1)).toEqual(before);
  });

  it('keeps conditions it was not asked about, in order', () => {
    const before = setConditions(
      [],
      [
        { type: 'A', status: 'True', reason: 'x', message: '' },
        { type: 'B', status: 'True', reason: 'x', message: '' },
      ],
      t0,
    );
    const after = setConditions(before, [{ type: 'A', status: 'False', reason: 'y', message: '' }], t1);
    expect(after.map((c) => [c.type, c.status])).toEqual([
      ['A', 'False'],
      ['B', 'True'],
    ]);
  });
});
