import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.ts';
import { VerifiedDatabases } from './verified-databases.ts';

describe('VerifiedDatabases', () => {
  it('trusts a database for its period, for the same server and password only', () => {
    const clock = new FakeClock(1000);
    const verified = new VerifiedDatabases(60_000, clock);
    expect(verified.has('uid-a', 'pg1', 'secret')).toBe(false);
    verified.add('uid-a', 'pg1', 'secret');
    expect(verified.has('uid-a', 'pg1', 'secret')).toBe(true);
    expect(verified.has('uid-a', 'pg1', 'replaced')).toBe(false);
    expect(verified.has('uid-a', 'pg2', 'secret')).toBe(false);
    expect(verified.has('uid-b', 'pg1', 'secret')).toBe(false);
    clock.advance(59_999);
    expect(verified.has('uid-a', 'pg1', 'secret')).toBe(true);
    clock.advance(1);
    expect(verified.has('uid-a', 'pg1', 'secret')).toBe(false);
  });

  it('forgets a deleted organization at once', () => {
    const verified = new VerifiedDatabases(60_000, new FakeClock());
    verified.add('uid-a', 'pg1', 'secret');
    verified.delete('uid-a');
    expect(verified.has('uid-a', 'pg1', 'secret')).toBe(false);
  });
});
