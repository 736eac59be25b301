import { describe, expect, it, vi } from 'vitest';
import { apiClient, call, exchangeSession, sessionClient } from './client.ts';
import { TokenSource } from './token.ts';

const BASE = 'http://console.test';
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
const problem = (status: number, detail: string) => ({ type: 'about:blank', title: 'x', status, detail });

/** A platform that issues t1, t2, ... for the session and accepts only the latest token. */
function platform() {
  let issued = 0;
  const seen: Array<{ path: string; authorization: string | null; credentials: string; org: string | null }> =
    [];
  const fetch = vi.fn(async (request: Request) => {
    const path = new URL(request.url).pathname;
    seen.push({
      path,
      authorization: request.headers.get('authorization'),
      credentials: request.credentials,
      org: request.headers.get('x-org-id'),
    });
    if (path === '/auth/token')
      return json(200, { access_token: `t${++issued}`, token_type: 'Bearer', expires_in: 900 });
    if (request.headers.get('authorization') !== `Bearer t${issued}`)
      return json(401, problem(401, 'expired'));
    return json(200, { org_id: request.headers.get('x-org-id') });
  });
  const session = sessionClient({ baseUrl: BASE, fetch });
  const tokens = new TokenSource(() => exchangeSession(session));
  return { fetch, seen, tokens, api: apiClient(tokens, { baseUrl: BASE, fetch }), revoke: () => issued++ };
}

describe('the API client', () => {
  it('exchanges the session cookie for a token, and sends only the token to the API', async () => {
    const { api, seen } = platform();
    const usage = await call(api.GET('/usage', { headers: { 'x-org-id': 'acme' } }));
    expect(usage).toEqual({ org_id: 'acme' });
    expect(seen).toEqual([
      { path: '/auth/token', authorization: null, credentials: 'same-origin', org: null },
      { path: '/usage', authorization: 'Bearer t1', credentials: 'omit', org: 'acme' },
    ]);
  });

  it('renews a refused token once and asks again; the second answer stands', async () => {
    const { api, seen, revoke } = platform();
    await call(api.GET('/usage'));
    revoke(); // the platform now accepts only a newer token than t1 (as when t1 expired)
    expect(await call(api.GET('/usage'))).toEqual({ org_id: null });
    expect(seen.map((request) => `${request.path} ${request.authorization}`)).toEqual([
      '/auth/token null',
      '/usage Bearer t1',
      '/usage Bearer t1',
      '/auth/token null',
      '/usage Bearer t3',
    ]);
  });

  it('turns problem+json into an ApiError with its kind and Retry-After', async () => {
    const fetch = vi.fn(async (request: Request) =>
      new URL(request.url).pathname === '/auth/token'
        ? json(200, { access_token: 't', token_type: 'Bearer', expires_in: 900 })
        : json(429, problem(429, 'Organization acme has used its 100 API calls per hour'), {
            'retry-after': '30',
          }),
    );
    const tokens = new TokenSource(() => exchangeSession(sessionClient({ baseUrl: BASE, fetch })));
    const api = apiClient(tokens, { baseUrl: BASE, fetch });
    await expect(call(api.GET('/usage'))).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfter: 30,
      status: 429,
      message: 'Organization acme has used its 100 API calls per hour',
    });
  });

  it('reports no answer at all as a network error', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const session = sessionClient({ baseUrl: BASE, fetch });
    await expect(call(session.POST('/auth/token', { body: {} }))).rejects.toMatchObject({ kind: 'network' });
  });

  it('reports a missing session as unauthenticated, through the API client too', async () => {
    const fetch = vi.fn(async () => json(401, problem(401, 'No session')));
    const tokens = new TokenSource(() => exchangeSession(sessionClient({ baseUrl: BASE, fetch })));
    await expect(call(apiClient(tokens, { baseUrl: BASE, fetch }).GET('/auth/me'))).rejects.toMatchObject({
      kind: 'unauthenticated',
    });
    expect(tokens.sessionState).toBe('signed-out');
  });
});
