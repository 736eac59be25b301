import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { resolve } from 'node:path';
import type { JsonWebKey } from 'oidc-provider';
import { type IdpConfig, ISSUERS, issuerUrl } from '../idp/config.ts';
import { ensureCa, ensureCert } from './pki.ts';
import { waitFor } from './process.ts';
import type { Stack } from './stack.ts';

const MAIN = resolve(import.meta.dirname, '../idp/main.ts');
export const OIDC_CLIENT_ID = 'guardian';

function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  // `mode` applies only when the file is created.
  chmodSync(file, 0o600);
}

function signingKeys(): { keys: JsonWebKey[] } {
  const key = (alg: string, pair: { privateKey: KeyObject }): JsonWebKey => ({
    ...(pair.privateKey.export({ format: 'jwk' }) as JsonWebKey),
    kid: `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}`,
    alg,
    use: 'sig',
  });
  return {
    keys: [
      key('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })),
      key('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })),
    ],
  };
}

/** Made once per stack folder, so tokens issued before a restart still verify after it. */
function ensureJwks(stack: Stack): IdpConfig['jwks'] {
  const file = stack.path('idp', 'jwks.json');
  const jwks: Partial<IdpConfig['jwks']> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const missing = ISSUERS.filter((name) => jwks[name] === undefined);
  for (const name of missing) jwks[name] = signingKeys();
  if (missing.length > 0) writePrivate(file, JSON.stringify(jwks));
  return jwks as IdpConfig['jwks'];
}

function answers200(url: string, ca: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ca, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: timed out`)));
    request.on('error', reject);
  });
}

/**
 * The development OpenID provider (scripts/idp): the default issuer and techcorp's, one HTTPS port,
 * a certificate from the stack CA. Returns the environment the platform and the tests read.
 */
export async function startIdp(stack: Stack): Promise<Record<string, string>> {
  const running = stack.isRunning('idp');
  const port = await stack.port('idp', running);
  const env = {
    OIDC_ISSUER: issuerUrl(port, 'default'),
    OIDC_ISSUER_TECHCORP: issuerUrl(port, 'techcorp'),
    OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET: stack.secret('oidc-client'),
  };
  if (running) return env;
  mkdirSync(stack.path('idp'), { recursive: true, mode: 0o700 });
  const ca = await ensureCa(stack);
  const tls = await ensureCert(stack, 'idp', { cn: 'guardian-idp', hosts: ['127.0.0.1', 'localhost'] });
  const config: IdpConfig = {
    port,
    cert: tls.cert,
    key: tls.key,
    clientId: OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    cookieKeys: [stack.secret('idp-cookies')],
    jwks: ensureJwks(stack),
  };
  // Secrets go in a private file, not on a command line that `ps` shows.
  const file = stack.path('idp', 'config.json');
  writePrivate(file, JSON.stringify(config));
  stack.start('idp', process.execPath, [MAIN, '--config', file]);
  const caPem = readFileSync(ca.cert);
  const discovery = `${env.OIDC_ISSUER}/.well-known/openid-configuration`;
  await waitFor('idp', () => answers200(discovery, caPem), {
    timeoutMs: 20_000,
    isRunning: () => stack.isRunning('idp'),
  });
  return env;
}

/** The `jwt` entry of kube-apiserver's AuthenticationConfiguration (apiserver.config.k8s.io/v1). */
export interface JwtAuthenticator {
  issuer: { url: string; certificateAuthority: string; audiences: string[] };
  claimMappings: {
    username: { claim: string; prefix: string };
    groups: { claim: string; prefix: string };
  };
  claimValidationRules: { expression: string; message: string }[];
}

/**
 * Trusts ID tokens from one issuer: users become `oidc:<email>`, groups `oidc:<group>`, and an
 * unverified email is refused, since anybody can claim an address they do not own.
 */
export function apiserverJwtAuthenticator(
  issuerUrl: string,
  caPem: string,
  clientId: string,
): JwtAuthenticator {
  return {
    issuer: { url: issuerUrl, certificateAuthority: caPem, audiences: [clientId] },
    claimMappings: {
      username: { claim: 'email', prefix: 'oidc:' },
      groups: { claim: 'groups', prefix: 'oidc:' },
    },
    claimValidationRules: [
      {
        expression: 'claims.?email_verified.orValue(false) == true',
        message: 'the email address must be verified',
      },
    ],
  };
}
