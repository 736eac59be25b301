import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../http/errors.ts';
import type { AppContext } from '../../http/state.ts';
import type { SessionService } from '../../services/SessionService.ts';
import { authRecorders } from './auth.ts';

describe('auth recorders', () => {
  const recorders = authRecorders({ sessions: {} as SessionService, sessionCookie: 'guardian_session' });
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
  });
});
