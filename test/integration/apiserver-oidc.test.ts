import { describe, expect, it } from 'vitest';
import { kubectl } from '../support/kube.ts';
import { tokenFlags, idToken as tokenOf } from '../support/oidc.ts';
import { stackEnv } from '../support/stack.ts';

const idToken = (issuer: string, email: string) => tokenOf(email, issuer);
const whoami = async (token: string) => {
  const output = await kubectl(...(await tokenFlags(token)), 'auth', 'whoami', '-o', 'json');
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
