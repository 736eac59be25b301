import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  discover,
  fetchTrusting,
  type LoginOptions,
  login,
  signIn,
} from '../../scripts/idp/login-client.ts';
import { stackEnv } from '../support/stack.ts';

const ca = readFileSync(stackEnv('STACK_CA_FILE'), 'utf8');
const issuers = { default: stackEnv('OIDC_ISSUER'), techcorp: stackEnv('OIDC_ISSUER_TECHCORP') };
const clientId = stackEnv('OIDC_CLIENT_ID');
const clientSecret = stackEnv('OIDC_CLIENT_SECRET');
// Any loopback port is accepted, as the platform listens wherever a test put it.
const redirectUri = 'http://127.0.0.1:47999/auth/callback';

function as(issuer: keyof typeof issuers, email: string, extra: Partial<LoginOptions> = {}): LoginOptions {
  return {
    issuer: issuers[issuer],
    clientId,
    clientSecret,
    redirectUri,
    email,
    password: 'demo',
    ca,
    ...extra,
  };
}

const jwtHeader = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: string };

describe('development identity provider', () => {
  it.each([
    ['default', 'carol@startupco.io', ['startupco-owners'], 'http://127.0.0.1:8080/auth/callback'],
    ['default', 'root@guardian.local', ['guardian-admins'], redirectUri],
    ['techcorp', 'alice@techcorp.com', ['techcorp-platform-owners'], 'http://localhost:51234/cb'],
    ['techcorp', 'bob@techcorp.com', ['techcorp-developers'], redirectUri],
    ['default', 'dana@startupco.io', [], redirectUri],
    ['default', 'erin@startupco.io', [], redirectUri],
    ['default', 'frank@startupco.io', [], redirectUri],
  ] as const)('signs %s user %s in with code + PKCE', async (issuer, email, groups, uri) => {
    const tokens = await login(as(issuer, email, { redirectUri: uri }));
    expect(tokens.claims).toMatchObject({
      iss: issuers[issuer],
      email,
      email_verified: true,
      groups,
      name: expect.any(String),
    });
    expect([tokens.claims.aud].flat()).toEqual([clientId]);
    expect(tokens.claims.sub).not.toBe(email);
    expect(tokens.claims.sub).not.toContain('@');
    expect(jwtHeader(tokens.id_token ?? '').alg).toBe('ES256');
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // The subject is stable: a second sign-in names the same user.
    expect((await login(as(issuer, email, { redirectUri: uri }))).claims.sub).toBe(tokens.claims.sub);
  });

  it('keeps the two issuers apart', async () => {
    await expect(login(as('techcorp', 'carol@startupco.io'))).rejects.toThrow(/Wrong email or password/);
    expect((await login(as('default', 'carol@startupco.io'))).claims.iss).toBe(issuers.default);
  });

  it('refuses a wrong password and accepts the right one', async () => {
    const refused = login(as('techcorp', 'alice@techcorp.com', { password: 'not-demo' }));
    await expect(refused).rejects.toMatchObject({ name: 'LoginRefused', status: 401 });
    await expect(refused).rejects.toThrow(/Wrong email or password/);
    const accepted = await login(as('techcorp', 'alice@techcorp.com'));
    expect(accepted.claims.email).toBe('alice@techcorp.com');
  });

  it('refuses a redirect URI that is neither registered nor loopback', async () => {
    await expect(
      login(as('default', 'carol@startupco.io', { redirectUri: 'https://evil.example/cb' })),
    ).rejects.toThrow(/redirect_uri/);
    await expect(login(as('default', 'carol@startupco.io'))).resolves.toBeDefined();
  });

  it('grants the first-party client without a consent page, even when consent is asked for', async () => {
    const tokens = await login(as('default', 'carol@startupco.io', { parameters: { prompt: 'consent' } }));
    expect(tokens.claims.email).toBe('carol@startupco.io');
  });

  it('exchanges a refresh token for new tokens, rotating it (client_secret_post)', async () => {
    const options = as('default', 'carol@startupco.io', { authMethod: 'client_secret_post' });
    const first = await login(options);
    const config = await discover(options);
    const refreshToken = first.refresh_token ?? '';
    const refreshed = await client.refreshTokenGrant(config, refreshToken);
    expect(refreshed.access_token).not.toBe(first.access_token);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(refreshToken);
    expect(refreshed.claims()).toMatchObject({ sub: first.claims.sub, email: 'carol@startupco.io' });
    // Rotation: the used refresh token is spent.
    await expect(client.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('requires PKCE', async () => {
    const config = await discover(as('default', 'carol@startupco.io'));
    const fetch = fetchTrusting(ca);
    const request = (extra: Record<string, string>) =>
      client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid email', ...extra });
    const stopAt = (url: URL) => url.href.startsWith(redirectUri);
    const credentials = { email: 'carol@startupco.io', password: 'demo', fetch, stopAt };

    const without = await signIn({ ...credentials, startUrl: request({ state: 'no-pkce' }) });
    expect(without.url.searchParams.get('error')).toBe('invalid_request');
    expect(without.url.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(without.url.searchParams.has('code')).toBe(false);

    const verifier = client.randomPKCECodeVerifier();
    const challenge = await client.calculatePKCECodeChallenge(verifier);
    const withPkce = request({ state: 'pkce', code_challenge: challenge, code_challenge_method: 'S256' });
    expect((await signIn({ ...credentials, startUrl: withPkce })).url.searchParams.get('code')).toBeTruthy();

    // A code is redeemed only with its verifier.
    const granted = await authorize(as('default', 'carol@startupco.io'));
    const checks = { expectedState: granted.state, expectedNonce: granted.nonce };
    const wrongVerifier = client.randomPKCECodeVerifier();
    await expect(
      client.authorizationCodeGrant(granted.config, granted.callbackUrl, {
        ...checks,
        pkceCodeVerifier: wrongVerifier,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const redeemed = await client.authorizationCodeGrant(granted.config, granted.callbackUrl, {
      ...checks,
      pkceCodeVerifier: granted.codeVerifier,
    });
    expect(redeemed.claims()?.email).toBe('carol@startupco.io');
  });

  it.each([
    ['default', 'eve@startupco.io'],
    ['techcorp', 'dave@techcorp.com'],
  ] as const)('says when %s user %s has not verified the email', async (issuer, email) => {
    const tokens = await login(as(issuer, email));
    expect(tokens.claims).toMatchObject({ email, email_verified: false });
  });
});
