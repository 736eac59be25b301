import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { login } from '../../scripts/idp/login-client.ts';
import { kubectl } from '../support/kube.ts';
import { stackEnv } from '../support/stack.ts';

const ca = readFileSync(stackEnv('STACK_CA_FILE'), 'utf8');
const idToken = async (issuer: string, email: string) => {
  const tokens = await login({
    issuer,
    clientId: stackEnv('OIDC_CLIENT_ID'),
    clientSecret: stackEnv('OIDC_CLIENT_SECRET'),
    redirectUri: 'http://127.0.0.1:8080/auth/callback',
    email,
    password: 'demo',
    ca,
    scope: 'openid email profile groups',
  });
  if (!tokens.id_token) throw new Error('no ID token');
  return tokens.id_token;
};
// A bearer token only: no client certificate from the admin kubeconfig may leak into the request.
const whoami = async (token: string) => {
  const server = (
    await kubectl('config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}')
  ).trim();
  const output = await kubectl(
    `--server=${server}`,
    `--certificate-authority=${stackEnv('STACK_CA_FILE')}`,
    '--kubeconfig=/dev/null',
    `--token=${token}`,
    'auth',
    'whoami',
    '-o',
    'json',
  );
  return JSON.parse(output).status.userInfo as { username: string; groups: string[] };
};

describe('the apiserver trusts the default identity provider', () => {
  it('authenticates a demo user’s ID token as oidc:<email> with oidc: groups (SelfSubjectReview)', async () => {
    const user = await whoami(await idToken(stackEnv('OIDC_ISSUER'), 'carol@startupco.io'));
    expect(user.username).toBe('oidc:carol@startupco.io');
    expect(user.groups).toEqual(expect.arrayContaining(['oidc:startupco-owners', 'system:authenticated']));
  });

  it('refuses a token whose email is unverified, and one from an issuer it does not trust', async () => {
    await expect(whoami(await idToken(stackEnv('OIDC_ISSUER'), 'eve@startupco.io'))).rejects.toThrow(
      /Unauthorized|must be logged in/,
    );
    await expect(
      whoami(await idToken(stackEnv('OIDC_ISSUER_TECHCORP'), 'alice@techcorp.com')),
    ).rejects.toThrow(/Unauthorized|must be logged in/);
  });
});
