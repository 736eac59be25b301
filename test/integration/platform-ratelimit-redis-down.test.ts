import { randomUUID } from 'node:crypto';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, platformConfig } from '../../platform/src/config.ts';
import { migrate } from '../../platform/src/db.ts';
import { Platform } from '../../platform/src/platform.ts';
import { consume } from '../../platform/src/quota/index.ts';
import { currentPeriod } from '../../platform/src/quota/limits.ts';
import { freePort } from '../../scripts/stack/process.ts';
import { uniqueName } from '../support/kube.ts';
import {
  applyAll,
  Browser,
  deleteAll,
  deleteNamespace,
  organization,
  platformEnv,
  platformKubeconfig,
  quotaPolicy,
  until,
  withToken,
} from '../support/platform.ts';
import { stackEnv } from '../support/stack.ts';

/** A platform whose Redis is a closed port: /readyz fails by design, so wait for the informers only. */
async function platformWithoutRedis(kubeconfig: string, policy: 'open' | 'closed', orgs: string[]) {
  const port = await freePort();
  const deadRedis = `redis://127.0.0.1:${await freePort()}`;
  const config = parseConfig(platformConfig, {
    ...platformEnv(port, kubeconfig),
    REDIS_URL: deadRedis,
    RATE_LIMIT_ON_REDIS_ERROR: policy,
  });
  const kube = loadClusterAccess({ KUBECONFIG: kubeconfig });
  const platform = await Platform.create({
    config,
    kube,
    log: pino({ level: process.env.PLATFORM_TEST_LOG ?? 'silent' }),
  });
  await platform.start();
  await until('the platform to see the organizations', () =>
    orgs.every((org) => platform.directory.get(org) !== undefined),
  );
  return { platform, url: `http://127.0.0.1:${port}` };
}

describe('platform rate limit: Redis unavailable', () => {
  const namespace = uniqueName('it-platform');
  const limitedPlan = quotaPolicy(uniqueName('it-plan-rl'), {
    displayName: 'rate limited',
    apiCallsPerHour: 100,
    workflowsPerMonth: 10,
  });
  const org = organization(uniqueName('it-rl-down'), {
    plan: limitedPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const orgId = org.metadata.name;
  const unlimitedPlan = quotaPolicy(uniqueName('it-plan-unlimited'), { displayName: 'unlimited' });
  const unlimitedOrg = organization(uniqueName('it-rl-unlimited'), {
    plan: unlimitedPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const platforms: Platform[] = [];

  beforeAll(async () => {
    await migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL'));
    await applyAll(limitedPlan, unlimitedPlan, org, unlimitedOrg);
  });
  afterAll(async () => {
    for (const platform of platforms) await platform.stop();
    await deleteAll(org, unlimitedOrg, limitedPlan, unlimitedPlan);
    await deleteNamespace(namespace);
  });

  async function tokenFor(policy: 'open' | 'closed') {
    const started = await platformWithoutRedis(await platformKubeconfig(namespace), policy, [
      orgId,
      unlimitedOrg.metadata.name,
    ]);
    platforms.push(started.platform);
    const carol = new Browser(started.url);
    // Logging in names no organization, so it is not rate limited and works without Redis.
    expect((await carol.login('carol@startupco.io')).status).toBe(200);
    return {
      ...started,
      token: await carol.token(orgId),
      unlimitedToken: await carol.token(unlimitedOrg.metadata.name),
    };
  }

  it('refuses limited requests with 503 by default (fail closed), but not unlimited ones', async () => {
    const { url, token, unlimitedToken, platform } = await tokenFor('closed');
    const refused = await withToken(url, '/whoami', token);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toMatchObject({
      status: 503,
      detail: 'The rate limiter is unavailable; try again shortly',
    });
    expect(platform.governance.counters.redisErrors).toBeGreaterThan(0);
    // Positive control: an organization whose plan has no hourly limit never asks Redis.
    const unlimited = await withToken(url, '/whoami', unlimitedToken);
    expect(unlimited.status).toBe(200);
    expect(unlimited.headers.get('ratelimit-limit')).toBeNull();
  });

  it('lets requests through with RATE_LIMIT_ON_REDIS_ERROR=open, and monthly usage never needs Redis', async () => {
    const { url, token, platform } = await tokenFor('open');
    const admitted = await withToken(url, '/whoami', token);
    expect(admitted.status).toBe(200);
    expect(admitted.headers.get('ratelimit-limit')).toBeNull();
    const organizationObject = platform.directory.get(orgId);
    if (!organizationObject) throw new Error('the organization is not known');
    const period = currentPeriod(organizationObject, new Date()).key;
    for (let i = 0; i < 3; i++) {
      expect((await consume(platform.db, orgId, 'workflows', randomUUID(), 10, period)).allowed).toBe(true);
    }
    const usage = await withToken(url, '/usage', token);
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({
      org_id: orgId,
      limits: { workflows_per_month: { limit: 10, used: 3, remaining: 7 } },
    });
  });
});
