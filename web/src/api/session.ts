import { apiClient, call, exchangeSession, sessionClient } from './client.ts';
import { TokenSource } from './token.ts';

/** The console's one session: the cookie-authenticated calls, the token they yield, the API client. */
export const session = sessionClient();
export const tokens = new TokenSource(() => exchangeSession(session));
export const api = apiClient(tokens);

/** Ends the session server-side (the cookie stops working everywhere) and forgets the token. */
export async function signOut(): Promise<void> {
  try {
    await call(session.POST('/auth/logout'));
  } finally {
    tokens.clear('signed-out');
  }
}

/**
 * Where "Sign in with SSO" goes: the platform's OIDC login (code + PKCE), at the organization's
 * own identity provider when it has one, returning to `returnTo` (a console page) afterwards.
 */
export function loginUrl(org: string | undefined, returnTo: string): string {
  const query = new URLSearchParams();
  if (org) query.set('org', org);
  query.set('return_to', returnTo);
  return `/auth/login?${query}`;
}
