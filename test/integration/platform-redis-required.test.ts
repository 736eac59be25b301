import { KubeClient } from '@guardian/kube/client';
import { ConfigError } from '@guardian/kube/env';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, platformConfig } from '../../platform/src/config.ts';
import { migrate } from '../../platform/src/db.ts';
import { Platform } from '../../platform/src/platform.ts';
import { RedisRequirement } from '../../platform/src/ratelimit/redis-requirement.ts';
import { OrganizationDirectory } from '../../platform/src/services/OrganizationDirectory.ts';
import { freePort } from '../../scripts/stack/process.ts';
import { uniqueName } from '../support/kube.ts';
import {
  applyAll,
  deleteAll,
  deleteNamespace,
  platformEnv,
  platformKubeconfig,
  quotaPolicy,
  startPlatform,
  until,
} from '../support/platform.ts';
import { stackEnv } from '../support/stack.ts';

// Plans are cluster-wide and other suites' plans come and go (many limit API calls), so these
// tests speak only of their own plan: what the platform says of it, and nothing of the others.
describe('platform: REDIS_URL is required while a plan limits API calls', () => {
  const namespace = uniqueName('it-platform');
  const limited = quotaPolicy(uniqueName('it-plan-redis'), { displayName: 'limited', apiCallsPerHour: 100 });
  const later = quotaPolicy(uniqueName('it-plan-redis'), { displayName: 'limited later' });
  let kubeconfig: string;

  beforeAll(async () => {
    await migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL'));
    await applyAll(limited, later);
    kubeconfig = await platformKubeconfig(namespace);
  });
  afterAll(async () => {
    await deleteAll(limited, later);
    await deleteNamespace(namespace);
  });

  it('refuses to start without REDIS_URL, naming the plan, and starts with it', async () => {
    const { REDIS_URL: _, ...withoutRedis } = platformEnv(await freePort(), kubeconfig);
    const platform = await Platform.create({
      config: parseConfig(platformConfig, withoutRedis),
      kube: loadClusterAccess({ KUBECONFIG: kubeconfig }),
      log: pino({ level: 'silent' }),
    });
    const refusal = await platform.start().then(
      () => platform.stop(),
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).message).toMatch(
      /REDIS_URL: is required while plans limit API calls per hour \(apiCallsPerHour\): .*/,
    );
    expect((refusal as ConfigError).message).toContain(limited.metadata.name);
    expect((refusal as ConfigError).message).not.toContain(later.metadata.name);
    // The control: with REDIS_URL, the same plans are no obstacle.
    const started = await startPlatform({ kubeconfig });
    await started.stop();
  });

  it('reports a plan that gains an API limit later (not ready, an error naming it) and forgets it once the limit goes', async () => {
    const logged: { level: number; msg: string; plans?: string[] }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const kube = new KubeClient(loadClusterAccess({ KUBECONFIG: kubeconfig }));
    const directory = new OrganizationDirectory(kube, pino({ level: 'silent' }));
    const requirement = new RedisRequirement({ configured: false, directory, log });
    directory.start();
    try {
      await until('the plans to be read', () => directory.plansSynced);
      // Other suites' limited plans may be there too: a refusal at start is not this test's business.
      try {
        requirement.check();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
      }
      const name = later.metadata.name;
      const named = () => logged.filter((entry) => entry.level === 50 && entry.plans?.includes(name));
      await until('the platform to see the plan', () =>
        directory.allPlans().some((plan) => plan.metadata?.name === name),
      );
      expect(requirement.missing()).not.toContain(name);
      expect(named()).toEqual([]);

      await applyAll({ ...later, spec: { ...later.spec, apiCallsPerHour: 50 } });
      await until('an error naming the plan', () => named().length > 0);
      expect(requirement.missing()).toContain(name);
      expect(requirement.satisfied).toBe(false);
      expect(named()[0]?.msg).toContain('REDIS_URL is not set, but plans limit API calls per hour');

      await applyAll(later);
      await until('the plan to be no longer needing Redis', () => !requirement.missing().includes(name));
      // The next report (an error for other suites' plans, or "ready without Redis") leaves it out.
      await until('a report without the plan', () => {
        const last = logged.at(-1);
        return last !== undefined && !(last.plans ?? []).includes(name);
      });
    } finally {
      directory.stop();
      await kube.close();
    }
  });
});
