// People as the apiserver knows them: an ID token of a demo user from the test stack's identity
// provider, and kubectl flags that authenticate with that token alone.
import { readFileSync } from 'node:fs';
import { login } from '../../scripts/idp/login-client.ts';
import { kubectl } from './kube.ts';
import { stackEnv } from './stack.ts';

/** An ID token of `email` (password `demo`) from `issuer`, the default one unless told. */
export async function idToken(email: string, issuer = stackEnv('OIDC_ISSUER')): Promise<string> {
  const tokens = await login({
    issuer,
    clientId: stackEnv('OIDC_CLIENT_ID'),
    clientSecret: stackEnv('OIDC_CLIENT_SECRET'),
    redirectUri: 'http://127.0.0.1:8080/auth/callback',
    email,
    password: 'demo',
    ca: readFileSync(stackEnv('STACK_CA_FILE'), 'utf8'),
    scope: 'openid email profile groups',
  });
  if (!tokens.id_token) throw new Error('no ID token');
  return tokens.id_token;
}

/** kubectl flags for a bearer token only: no client certificate of the admin's kubeconfig leaks in. */
export async function tokenFlags(token: string): Promise<string[]> {
  const server = (
    await kubectl('config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}')
  ).trim();
  return [
    `--server=${server}`,
    `--certificate-authority=${stackEnv('STACK_CA_FILE')}`,
    '--kubeconfig=/dev/null',
    `--token=${token}`,
  ];
}
