// Credentials `authenticate` refuses (a bad token, an unknown or revoked API key, a suspended
// organization) land in the audit trail, at most once a minute per client and reason.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { INSTANCE_CHAIN } from '../../platform/src/audit/index.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import {
  call,
  organization,
  plan,
  platformKubeconfig,
  signedIn,
  startPlatform,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';

describe('refused credentials in the audit trail', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const org = organization(uniqueName('it-refusals'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const orgId = org.metadata.name;
  // Replicas of one instance share its Redis keys; a second replica joins in the last test, which
  // names its client address through a (trusted) proxy's X-Forwarded-For.
  const instanceEnv = { REDIS_KEY_PREFIX: `${randomUUID()}:`, TRUSTED_PROXIES: '1' };
  const api = platformSuite({ plans: [basicPlan], organizations: [org], env: instanceEnv });
  let carol: string;
  let carolId: string;

  beforeAll(async () => {
    const signed = await signedIn(api.url, 'carol@startupco.io');
    carolId = signed.userId;
    carol = await signed.browser.token(orgId);
  });

  /** The `auth.refused` entries of `chain` about requests to `path` (unique per test). */
  const refusals = async (chain: string, path: string) => {
    const { entries } = await api.platform.governance.audit.list(chain, {
      action: 'auth.refused',
      limit: 500,
    });
    return entries.filter((entry) => entry.detail.path === path);
  };
  /** Waits for the (asynchronous) appends, then a little more, so a second entry would have landed. */
  const settled = async (chain: string, path: string, count: number) => {
    await eventually(
      `${count} refusals of ${path}`,
      async () => (await refusals(chain, path)).length >= count,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    return refusals(chain, path);
  };
  /** A path of an existing route, unique to one test, so entries of other suites never count. */
  const probe = () => `/agents/runs/${uniqueName('probe')}`;

  it('records bad tokens and unknown API keys once a minute per reason, and a valid token never', async () => {
    const path = probe();
    // The positive control: carol's token passes authentication (the run does not exist).
    expect((await call(api.url, 'GET', path, carol)).status).toBe(404);
    for (let i = 0; i < 3; i++) expect((await call(api.url, 'GET', path, 'not-a-token')).status).toBe(401);
    const unknownKey = `gdn_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    for (let i = 0; i < 2; i++) expect((await call(api.url, 'GET', path, unknownKey)).status).toBe(401);
    const entries = await settled(INSTANCE_CHAIN, path, 2);
    expect(entries.map((entry) => entry.detail.reason).sort()).toEqual(['bad_api_key', 'bad_token']);
    expect(entries.every((entry) => entry.actor === 'anonymous')).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(unknownKey);
  });

  it('records a revoked key in its organization’s chain, naming the key, once', async () => {
    const minted = await call(api.url, 'POST', '/tenants/api-keys', carol, { name: 'ci', role: 'read_only' });
    expect(minted.status, minted.text).toBe(201);
    const { id, key } = minted.body as { id: string; key: string };
    const path = probe();
    expect((await call(api.url, 'GET', path, key)).status).toBe(404);
    expect((await call(api.url, 'DELETE', `/tenants/api-keys/${id}`, carol)).status).toBe(204);
    for (let i = 0; i < 3; i++) {
      const refused = await call(api.url, 'GET', path, key);
      expect(refused.status).toBe(401);
      // Said exactly as for a key that never existed.
      expect(refused.body).toMatchObject({ detail: 'The API key is not valid' });
    }
    const entries = await settled(orgId, path, 1);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'anonymous',
      target: id,
      detail: { reason: 'api_key_revoked' },
    });
    expect(JSON.stringify(entries)).not.toContain(key);
  });

  it('records a member of a suspended organization, once, in its chain', async () => {
    const path = probe();
    expect((await call(api.url, 'GET', path, carol)).status).toBe(404);
    await api.changeOrganization(org, { suspended: true });
    for (let i = 0; i < 3; i++) expect((await call(api.url, 'GET', path, carol)).status).toBe(403);
    const entries = await settled(orgId, path, 1);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: carolId, detail: { reason: 'organization_suspended' } });
    await api.changeOrganization(org, { suspended: false });
    expect((await call(api.url, 'GET', path, carol)).status).toBe(404);
  });

  it('records a flood spread over two replicas once: the throttle is shared in Redis', async () => {
    const replica = await startPlatform({
      kubeconfig: await platformKubeconfig(api.namespace),
      env: { ...instanceEnv, PUBLIC_URL: api.url },
    });
    try {
      const path = probe();
      const client = { 'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250) + 1}` };
      for (const url of [replica.url, api.url, replica.url, api.url]) {
        expect((await call(url, 'GET', path, 'not-a-token', undefined, client)).status).toBe(401);
      }
      // The control: another instance (its own prefix) records its own entry.
      const other = await startPlatform({
        kubeconfig: await platformKubeconfig(api.namespace),
        env: { TRUSTED_PROXIES: '1' },
      });
      try {
        expect((await call(other.url, 'GET', path, 'not-a-token', undefined, client)).status).toBe(401);
        const entries = await settled(INSTANCE_CHAIN, path, 2);
        expect(entries.map((entry) => [entry.detail.reason, entry.detail.ip])).toEqual([
          ['bad_token', client['x-forwarded-for']],
          ['bad_token', client['x-forwarded-for']],
        ]);
      } finally {
        await other.stop();
      }
    } finally {
      await replica.stop();
    }
  });
});
