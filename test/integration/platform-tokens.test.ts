import { createHmac, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../platform/src/crypto/secret-box.ts';
import { connect } from '../../platform/src/db.ts';
import { SigningKeyStore } from '../../platform/src/stores/SigningKeyStore.ts';
import { login } from '../../scripts/idp/login-client.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { uniqueName } from '../support/kube.ts';
import { Browser, ca, encryptionKey, organization, plan, withToken } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
const decode = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('platform access tokens: the forged-token suite', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const org = organization(uniqueName('it-tokens'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const clock = new FakeClock(Date.now());
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
  const extraKids: string[] = [];
  const api = platformSuite({ plans: [basicPlan], organizations: [org], clock, unknownKidReloadMs: 10_000 });
  let valid: string;
  let claims: Record<string, unknown>;
  let header: Record<string, unknown>;

  /** Signs `payload` with the platform's own current key: for the claim checks behind the signature. */
  async function signWithOurKey(
    payload: Record<string, unknown>,
    protectedHeader: Record<string, unknown> = header,
  ) {
    const { privateKey } = await api.platform.keys.signer();
    return new SignJWT(payload).setProtectedHeader({ ...protectedHeader, alg: 'ES256' }).sign(privateKey);
  }
  /** Signs without jose, which (rightly) will not produce some of these headers. */
  async function signRawWithOurKey(
    protectedHeader: Record<string, unknown>,
    payload: Record<string, unknown>,
  ) {
    const { privateKey } = await api.platform.keys.signer();
    const body = `${b64(protectedHeader)}.${b64(payload)}`;
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      privateKey,
      Buffer.from(body),
    );
    return `${body}.${Buffer.from(signature).toString('base64url')}`;
  }
  const whoami = (token: string, headers: Record<string, string> = {}) =>
    withToken(api.url, '/whoami', token, headers);

  beforeAll(async () => {
    const browser = new Browser(api.url);
    expect((await browser.login('carol@startupco.io', org.metadata.name)).status).toBe(200);
    valid = await browser.token();
    [header, claims] = [decode(parts(valid)[0]), decode(parts(valid)[1])];
  });
  afterAll(async () => {
    await new SigningKeyStore(db).delete(extraKids);
    await db.destroy();
  });

  it('issues an ES256 token with the documented claims, and accepts it', async () => {
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(claims).toMatchObject({
      iss: api.url,
      aud: 'guardian',
      org_id: org.metadata.name,
      role: 'org_owner',
      team_ids: [],
      orgs: { [org.metadata.name]: 'org_owner' },
      super_admin: false,
    });
    expect(claims.sub).toBe(claims.user_id);
    expect(claims.permissions).toContain('workflows:approve');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    expect(jwks.keys.map((key) => key.kid)).toContain(header.kid);
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/);
    const answer = await whoami(valid);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      user_id: claims.sub,
      org_id: org.metadata.name,
      role: 'org_owner',
      authenticated_by: 'token',
    });
  });

  it('refuses every forged or invalid token with 401 problem+json, and passes the valid one through the same path', async () => {
    const now = Math.floor(clock.now() / 1000);
    const ourJwk = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const ourPublic = ourJwk.keys.find((key) => key.kid === header.kid) as JWK;
    const publicPem = createPublicKey({ key: ourPublic as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const rsa = await generateKeyPair('RS256');
    const hmac = (secret: string | Buffer, body: string) =>
      createHmac('sha256', secret).update(body).digest('base64url');
    const hs256 = (secret: string | Buffer, extraHeader: Record<string, unknown> = {}) => {
      const body = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: header.kid, ...extraHeader })}.${parts(valid)[1]}`;
      return `${body}.${hmac(secret, body)}`;
    };
    const byAttacker = (extraHeader: Record<string, unknown>, payload = claims) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: String(header.kid), ...extraHeader })
        .sign(attacker.privateKey);
    const [h, p, s] = parts(valid);
    const flipped = Buffer.from(s, 'base64url');
    flipped[10] = (flipped[10] ?? 0) ^ 0xff;
    const idToken = (
      await login({
        issuer: stackEnv('OIDC_ISSUER'),
        clientId: stackEnv('OIDC_CLIENT_ID'),
        clientSecret: stackEnv('OIDC_CLIENT_SECRET'),
        redirectUri: `${api.url}/auth/callback`,
        email: 'carol@startupco.io',
        password: 'demo',
        ca: ca(),
      })
    ).id_token;

    const forged: Record<string, string> = {
      'alg none': new UnsecuredJWT(claims).encode(),
      'alg none with our kid': `${b64({ alg: 'none', kid: header.kid, typ: 'at+jwt' })}.${p}.`,
      'alg "None" (case games)': `${b64({ alg: 'None', kid: header.kid })}.${p}.`,
      'HS256 keyed with our public JWK': hs256(JSON.stringify(ourPublic)),
      'HS256 keyed with our public key PEM': hs256(String(publicPem)),
      'HS256 with an empty secret': hs256(Buffer.alloc(0)),
      'RS256 by another key, our kid': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: String(header.kid), typ: 'at+jwt' })
        .sign(rsa.privateKey),
      'embedded jwk header (attacker key)': await byAttacker({ jwk: attackerJwk }),
      'jku header': await byAttacker({ jku: 'http://127.0.0.1:1/jwks.json' }),
      'x5u header': await byAttacker({ x5u: 'http://127.0.0.1:1/cert.pem' }),
      'x5c header': await byAttacker({ x5c: ['MIIB'] }),
      'crit header, signed by our key': await signRawWithOurKey({ ...header, crit: ['exp'] }, claims),
      'our kid, attacker signature': await byAttacker({}),
      'unknown kid': await byAttacker({ kid: randomBytes(16).toString('hex') }),
      'path-like kid': await byAttacker({ kid: '../../etc/passwd' }),
      'SQL-like kid': await byAttacker({ kid: "' OR '1'='1" }),
      'no kid': await byAttacker({ kid: undefined }),
      'wrong iss': await signWithOurKey({ ...claims, iss: 'https://evil.example' }),
      'wrong aud': await signWithOurKey({ ...claims, aud: 'kubernetes' }),
      expired: await signWithOurKey({ ...claims, iat: now - 2000, nbf: now - 2000, exp: now - 1000 }),
      'not yet valid': await signWithOurKey({ ...claims, iat: now, nbf: now + 3600, exp: now + 4000 }),
      'issued in the future': await signWithOurKey({ ...claims, iat: now + 3600, nbf: now, exp: now + 900 }),
      'lifetime longer than ours': await signWithOurKey({
        ...claims,
        iat: now - 5000,
        nbf: now - 5000,
        exp: now + 900,
      }),
      'no exp': await signWithOurKey({ ...claims, exp: undefined }),
      'wrong typ': await signWithOurKey(claims, { ...header, typ: 'JWT' }),
      'sub is not user_id': await signWithOurKey({ ...claims, sub: '00000000-0000-4000-8000-000000000000' }),
      'unknown role claim': await signWithOurKey({ ...claims, role: 'god' }),
      'bad signature (one byte flipped)': `${h}.${p}.${flipped.toString('base64url')}`,
      'ECDSA r=s=0': `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`,
      'signature of another payload': `${h}.${b64({ ...claims, role: 'super_admin', super_admin: true })}.${s}`,
      truncated: `${h}.${p}`,
      'truncated signature': `${h}.${p}.${s.slice(0, 40)}`,
      'garbage header': `e30x.${p}.${s}`,
      oversized: await signWithOurKey({ ...claims, padding: 'x'.repeat(9000) }),
      'an ID token of the identity provider': idToken ?? '',
    };
    expect(Object.keys(forged).length).toBeGreaterThanOrEqual(25);
    for (const [name, token] of Object.entries(forged)) {
      const answer = await whoami(token);
      expect({ name, status: answer.status }).toEqual({ name, status: 401 });
      expect(answer.headers.get('content-type'), name).toMatch(/^application\/problem\+json/);
      expect(answer.headers.get('www-authenticate'), name).toMatch(/^Bearer/);
      expect((answer.body as { detail: string }).detail, name).toMatch(
        /^The access token (is not valid|has expired)$/,
      );
    }
    for (const malformed of ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${valid} extra`]) {
      const answer = await (await import('../support/platform.ts')).answer(
        await fetch(`${api.url}/whoami`, { headers: { authorization: malformed } }),
      );
      expect({ malformed, status: answer.status }).toEqual({ malformed, status: 401 });
    }
    // The positive controls, through exactly the same path: the valid token, and tokens made by the
    // same helpers as the forgeries above, with nothing forged.
    expect((await whoami(valid)).status).toBe(200);
    expect((await whoami(await signWithOurKey({ ...claims, jti: 'control-1' }))).status).toBe(200);
    expect((await whoami(await signRawWithOurKey(header, { ...claims, jti: 'control-2' }))).status).toBe(200);
  });

  it('refuses a token signed by a key that was removed, which it accepted while the key was published', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `it-removed-${randomBytes(6).toString('hex')}`;
    extraKids.push(kid);
    const store = new SigningKeyStore(db);
    // Published now but signing only in a century, so no other test's platform signs with it.
    await store.insert({
      kid,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
      privateJwkSealed: seal(
        Buffer.from(encryptionKey(), 'base64'),
        JSON.stringify(await exportJWK(privateKey)),
        kid,
      ),
      publishAt: new Date(clock.now() - 1000),
      activateAt: new Date(clock.now() + 100 * 365 * 86_400_000),
    });
    await api.platform.keys.reload();
    const token = await new SignJWT({ ...claims, jti: randomBytes(8).toString('hex') })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .sign(privateKey);
    expect((await whoami(token)).status).toBe(200);
    await store.delete([kid]);
    await api.platform.keys.reload();
    const refused = await whoami(token);
    expect(refused.status).toBe(401);
    expect((await whoami(valid)).status).toBe(200);
    // The removed key also left the JWKS.
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(kid);
  });

  it('reloads the key set at most once per interval however many unknown kids arrive', async () => {
    const keys = api.platform.keys;
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const flood = () =>
      Promise.all(
        Array.from({ length: 40 }, async () =>
          whoami(
            await new SignJWT(claims)
              .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: randomBytes(12).toString('base64url') })
              .sign(attacker),
          ),
        ),
      );
    clock.advance(10_001);
    const before = keys.unknownKidReloads;
    const first = await flood();
    expect(first.every((answer) => answer.status === 401)).toBe(true);
    expect(keys.unknownKidReloads - before).toBe(1);
    await flood();
    expect(keys.unknownKidReloads - before).toBe(1);
    clock.advance(10_001);
    await flood();
    expect(keys.unknownKidReloads - before).toBe(2);
    const metrics = await (await fetch(`${api.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`^guardian_signing_key_unknown_kid_reloads_total ${keys.unknownKidReloads}$`, 'm'),
    );
    // A valid token still passes, from the cache.
    const hits = api.platform.tokens.cacheHits;
    expect((await whoami(valid)).status).toBe(200);
    expect(api.platform.tokens.cacheHits).toBe(hits + 1);
  });
});
