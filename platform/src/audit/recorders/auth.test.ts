import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.ts';
import { HttpProblem } from '../../http/errors.ts';
import type { AppContext } from '../../http/state.ts';
import type { SessionService } from '../../services/SessionService.ts';
import { memoryAuditThrottle } from '../throttle.ts';
import { authRecorders } from './auth.ts';

describe('auth recorders', () => {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const recorders = authRecorders({
    sessions: {} as SessionService,
    sessionCookie: 'guardian_session',
    throttle: memoryAuditThrottle(clock),
  });
  const callback = recorders['GET /auth/callback'];
  const failedFrom = (ip: string) =>
    callback?.({ ip, state: {} } as unknown as AppContext, new HttpProblem(401, 'Unauthorized', 'No login'));

  it('records a failed login at most once a minute per address: a flood cannot fill the trail', async () => {
    expect(await failedFrom('192.0.2.1')).toEqual([
      expect.objectContaining({
        action: 'auth.login.failure',
        detail: expect.objectContaining({ ip: '192.0.2.1' }),
      }),
    ]);
    for (let i = 0; i < 20; i++) expect(await failedFrom('192.0.2.1')).toEqual([]);
    // Another address is another witness.
    expect(await failedFrom('192.0.2.2')).toHaveLength(1);
    // The control: once a minute, not once ever. Not a moment before the minute is up, then again.
    clock.advance(59_999);
    expect(await failedFrom('192.0.2.1')).toEqual([]);
    clock.advance(1);
    expect(await failedFrom('192.0.2.1')).toEqual([
      expect.objectContaining({
        action: 'auth.login.failure',
        detail: expect.objectContaining({ ip: '192.0.2.1' }),
      }),
    ]);
    expect(await failedFrom('192.0.2.1')).toEqual([]);
  });
});
