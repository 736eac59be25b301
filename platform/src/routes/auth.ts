import { LoginQuery, Me } from '../contract/auth.ts';
import { consoleReturnPath } from '../contract/console.ts';
import { TokenRequest, TokenResponse } from '../contract/token.ts';
import { clearCookie, getCookie, setCookie } from '../http/cookies.ts';
import { type Api, problem } from '../http/operation.ts';
import type { Join } from '../services/AccessService.ts';
import { ForbiddenError, NotFoundError } from '../services/errors.ts';
import type { InvitationService } from '../services/InvitationService.ts';
import type { LoginService } from '../services/LoginService.ts';
import type { SessionService } from '../services/SessionService.ts';
import type { TokenService } from '../services/TokenService.ts';
import type { UserStore } from '../stores/UserStore.ts';
import { tenantContext } from './tenant.ts';

export interface AuthRouteDeps {
  login: LoginService;
  invitations: Pick<InvitationService, 'check'>;
  sessions: SessionService;
  tokens: TokenService;
  users: UserStore;
  publicUrl: string;
  cookies: { session: string; login: string; secure: boolean };
}

export function authRoutes(api: Api, deps: AuthRouteDeps): void {
  const { cookies } = deps;

  api.mount(
    {
      method: 'get',
      path: '/auth/login',
      tag: 'auth',
      summary: 'Start a login at the default identity provider, or at the organization’s own',
      query: LoginQuery,
      responses: {
        302: { description: 'To the identity provider' },
        403: problem('The organization is suspended, or its plan lacks SSO for its own identity provider'),
        404: problem('No such organization'),
      },
    },
    async (ctx, { query }) => {
      // A forged, altered or expired invitation is refused here, before the identity provider.
      const invitedTo = query.invitation === undefined ? undefined : deps.invitations.check(query.invitation);
      if (invitedTo !== undefined && query.org !== undefined && query.org !== invitedTo) {
        throw new ForbiddenError('The invitation is for another organization');
      }
      const { url, pendingId, maxAgeMs } = await deps.login.begin(
        invitedTo ?? query.org,
        query.return_to ?? '/',
        query.invitation,
      );
      setCookie(ctx, cookies.login, pendingId, { path: '/auth/callback', maxAgeMs, secure: cookies.secure });
      ctx.redirect(url.href);
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/auth/callback',
      tag: 'auth',
      summary: 'Where the identity provider returns the browser; starts the session',
      responses: {
        302: { description: 'Signed in: to the login’s return path in the console' },
        401: problem('The login failed validation (state, nonce, issuer, code) or expired'),
        403: problem('The user may not enter the organization'),
      },
    },
    async (ctx) => {
      const pendingId = getCookie(ctx, cookies.login);
      // The pending login is single-use, whatever the outcome.
      clearCookie(ctx, cookies.login, { path: '/auth/callback', secure: cookies.secure });
      // The URL the IdP was told to return to, with the query it returned: never the request's own
      // target, which a path prefix behind a proxy (or an absolute-form target) would change.
      const callbackUrl = new URL(`${deps.publicUrl}/auth/callback`);
      callbackUrl.search = ctx.search;
      // Filled as the login goes, so the audit trail sees the joins of a login that then fails.
      const joins: Join[] = [];
      ctx.state.outcome = { joins };
      const { sessionId, returnTo, maxAgeMs } = await deps.login.complete(pendingId, callbackUrl, joins);
      setCookie(ctx, cookies.session, sessionId, { path: '/', maxAgeMs, secure: cookies.secure });
      // Checked when the login began; checked again, so that no stored row can make an open redirect.
      ctx.redirect(consoleReturnPath.safeParse(returnTo).success ? returnTo : '/');
    },
  );

  api.mount(
    {
      method: 'post',
      path: '/auth/logout',
      tag: 'auth',
      summary: 'End the browser session (server-side: the cookie stops working everywhere)',
      auth: 'session',
      responses: { 204: { description: 'Logged out' }, 401: problem('No session') },
    },
    async (ctx) => {
      const sessionId = ctx.state.auth.sessionId;
      if (sessionId) await deps.sessions.revoke(sessionId);
      clearCookie(ctx, cookies.session, { path: '/', secure: cookies.secure });
      ctx.status = 204;
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/auth/me',
      tag: 'auth',
      summary: 'The signed-in user and their tenant context (session cookie or bearer token)',
      auth: 'any',
      responses: { 200: { description: 'The user', schema: Me }, 401: problem('Not signed in') },
    },
    async (ctx, { actor }) => {
      const user = await deps.users.get(actor.userId);
      if (!user) throw new NotFoundError('The user no longer exists');
      ctx.body = Me.parse({
        user: {
          id: user.id,
          issuer: user.issuer,
          email: user.email,
          email_verified: user.emailVerified,
          name: user.name,
        },
        tenant_context: tenantContext(ctx.state.auth),
      });
    },
  );

  api.mount(
    {
      method: 'post',
      path: '/auth/token',
      tag: 'auth',
      summary: 'Exchange the session cookie for a short-lived platform access token',
      auth: 'session',
      body: TokenRequest,
      responses: {
        200: { description: 'An ES256 JWT for the Authorization header', schema: TokenResponse },
        401: problem('No session'),
        403: problem('The user does not belong to org_id, or it is suspended'),
      },
    },
    async (ctx, { body, actor }) => {
      const { token, expiresIn } = await deps.tokens.issueFor(actor, body?.org_id);
      ctx.set('cache-control', 'no-store');
      ctx.body = TokenResponse.parse({ access_token: token, token_type: 'Bearer', expires_in: expiresIn });
    },
  );
}
