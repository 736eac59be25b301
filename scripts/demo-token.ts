// Prints an ID token for a demo user of the development identity provider, for kubectl:
//   kubectl --token="$(node scripts/demo-token.ts carol@startupco.io)" auth whoami
// The apiserver of the local stack trusts the default issuer (users become oidc:<email>).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { login } from './idp/login-client.ts';
import { readStackEnv } from './stack/stack.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    issuer: { type: 'string', default: 'default' },
    password: { type: 'string', default: 'demo' },
    stack: { type: 'string', default: '.stack' },
  },
});
const email = positionals[0];
if (!email) {
  console.error('usage: node scripts/demo-token.ts <email> [--issuer default|techcorp] [--stack .stack]');
  process.exit(2);
}
const env = readStackEnv(values.stack);
const issuer = values.issuer === 'techcorp' ? env.OIDC_ISSUER_TECHCORP : env.OIDC_ISSUER;
const tokens = await login({
  issuer: issuer ?? '',
  clientId: env.OIDC_CLIENT_ID ?? '',
  clientSecret: env.OIDC_CLIENT_SECRET ?? '',
  redirectUri: 'http://127.0.0.1:8080/auth/callback',
  email,
  password: values.password,
  ca: readFileSync(env.STACK_CA_FILE ?? '', 'utf8'),
  scope: 'openid email profile groups',
});
console.log(tokens.id_token);
