import Provider, { type Account, type Grant, type KoaContextWithOIDC } from 'oidc-provider';
import type { IdpConfig, IssuerName } from './config.ts';
import { findUser } from './users.ts';
import { logoutSource, postLogoutSuccessSource, renderError } from './views.ts';

/** The registered redirect URI; any other loopback one is accepted too (see allowLoopbackRedirects). */
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1:8080/auth/callback';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain-HTTP loopback URLs: where the platform runs on whatever port a test picked. */
export function isLoopbackHttp(value: string): boolean {
  const url = URL.parse(value);
  return (
    url !== null &&
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.username === '' &&
    url.password === '' &&
    url.hash === ''
  );
}

/**
 * The platform listens on arbitrary loopback ports in tests, so a registered redirect URI cannot
 * list them all. oidc-provider's own loopback leniency covers only native clients and only the
 * port, so the check is widened here, per provider, for loopback HTTP URLs and nothing else.
 */
function allowLoopbackRedirects(provider: Provider): void {
  const prototype = provider.Client.prototype;
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = prototype;
  prototype.redirectUriAllowed = function (this: typeof prototype, uri: string) {
    return isLoopbackHttp(uri) || redirectUriAllowed.call(this, uri);
  };
  prototype.postLogoutRedirectUriAllowed = function (this: typeof prototype, uri: string) {
    return isLoopbackHttp(uri) || postLogoutRedirectUriAllowed.call(this, uri);
  };
}

function account(issuer: IssuerName, sub: string): Account | undefined {
  const user = findUser(issuer, sub);
  if (!user) return undefined;
  return {
    accountId: user.sub,
    // oidc-provider keeps only the claims the granted scopes cover.
    claims: () => ({
      sub: user.sub,
      email: user.email,
      email_verified: user.emailVerified,
      name: user.name,
      groups: user.groups,
    }),
  };
}

/**
 * The first-party client never shows a consent page: its grant is created (or widened) here with
 * whatever it asked for, so oidc-provider's consent prompt finds nothing missing. Other clients
 * get the default behaviour (their recorded grant, if any).
 */
async function loadGrant(ctx: KoaContextWithOIDC, firstParty: string): Promise<Grant | undefined> {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session) return undefined;
  const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (client.clientId !== firstParty || !session.accountId) return existing;
  const grant = existing ?? new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
  grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
  grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
  await grant.save();
  return grant;
}

export function createProvider(issuer: IssuerName, issuerUrl: string, config: IdpConfig): Provider {
  const mountPath = new URL(issuerUrl).pathname;
  const provider = new Provider(issuerUrl, {
    clients: [
      {
        client_id: config.clientId,
        client_secret: config.clientSecret,
        redirect_uris: [REGISTERED_REDIRECT_URI],
        post_logout_redirect_uris: ['http://127.0.0.1:8080/'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // client_secret_post is accepted as well: oidc-provider treats the two as one family.
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: config.jwks[issuer],
    cookies: {
      keys: config.cookieKeys,
      // Both issuers share one origin: distinct names keep their sessions apart in one browser.
      names: {
        session: `_${issuer}_session`,
        interaction: `_${issuer}_interaction`,
        resume: `_${issuer}_resume`,
      },
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // Put the scope's claims in the ID token too (code flow): kube-apiserver only sees the ID token.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    // A refresh token with every code, without the offline_access + prompt=consent dance.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    loadExistingGrant: (ctx) => loadGrant(ctx, config.clientId),
    findAccount: async (_ctx, sub) => account(issuer, sub),
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    enabledJWA: { idTokenSigningAlgValues: ['ES256', 'RS256'] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 14 * 24 * 3600,
      Session: 8 * 3600,
      Grant: 14 * 24 * 3600,
    },
    clientBasedCORS: () => false,
    renderError,
  });
  allowLoopbackRedirects(provider);
  return provider;
}
