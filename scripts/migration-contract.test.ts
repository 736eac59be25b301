import { describe, expect, it } from 'vitest';
import { contractViolations, removedColumns, upgradeFrom } from './migration-contract.ts';

const shipped = { platform: new Set(['0001_a', '0002_b']), tenant: new Set(['0001_t']) };

describe('the expand/contract rule over migrations', () => {
  it('finds what a step removed, a renamed column as a removal', () => {
    expect(removedColumns(['t.a', 't.b', 'u.x'], ['t.a', 't.c'])).toEqual(['t.b', 'u.x']);
    expect(removedColumns(['t.a'], ['t.a', 't.b'])).toEqual([]);
  });

  it('refuses an unshipped migration that drops what is not a declared contract step', () => {
    const removals = [{ schema: 'platform' as const, migration: '0003_c', removed: ['users.email'] }];
    expect(contractViolations(removals, shipped, [])).toEqual([
      expect.stringContaining('platform migration 0003_c drops or renames users.email'),
    ]);
  });

  it('refuses a contract step whose expand has not shipped yet (the same release)', () => {
    const removals = [{ schema: 'platform' as const, migration: '0004_d', removed: ['users.email'] }];
    const declared = [
      { schema: 'platform' as const, migration: '0004_d', drops: ['users.email'], expandedIn: '0003_c' },
    ];
    expect(contractViolations(removals, shipped, declared)).toEqual([
      expect.stringContaining('contracts 0003_c, which the previous release does not have'),
    ]);
  });

  it('accepts a declared contract of a shipped expand, additions, and shipped history', () => {
    const declared = [
      { schema: 'platform' as const, migration: '0003_c', drops: ['users.*'], expandedIn: '0002_b' },
    ];
    const removals = [
      { schema: 'platform' as const, migration: '0002_b', removed: ['old.x'] },
      { schema: 'platform' as const, migration: '0003_c', removed: ['users.email', 'users.name'] },
      { schema: 'tenant' as const, migration: '0002_t', removed: [] },
    ];
    expect(contractViolations(removals, shipped, declared)).toEqual([]);
  });

  it('reads the previous release from charts/guardian/UPGRADE_FROM', () => {
    expect(upgradeFrom()).toMatch(/^[0-9a-f]{40}$/);
  });
});
