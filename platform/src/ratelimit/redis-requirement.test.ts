import type { QuotaPolicy } from '@guardian/crds/generated';
import { ConfigError } from '@guardian/kube/env';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisRequirement } from './redis-requirement.ts';

const plan = (name: string, apiCallsPerHour?: number): QuotaPolicy => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'QuotaPolicy',
  metadata: { name },
  spec: { displayName: name, ...(apiCallsPerHour === undefined ? {} : { apiCallsPerHour }) },
});

/** A plan informer in memory: `set` replaces a plan and tells the handlers, as a watch event would. */
function setup(configured: boolean, initial: QuotaPolicy[]) {
  const plans = new Map(initial.map((p) => [p.metadata?.name ?? '', p]));
  const handlers: (() => void)[] = [];
  const logged: { level: number; msg: string; plans?: string[] }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const requirement = new RedisRequirement({
    configured,
    directory: {
      allPlans: () => [...plans.values()],
      onPlanChange: (handler) => void handlers.push(handler),
    },
    log,
  });
  const set = (next: QuotaPolicy) => {
    plans.set(next.metadata?.name ?? '', next);
    for (const handler of handlers) handler();
  };
  return { requirement, set, logged };
}

describe('RedisRequirement', () => {
  it('refuses to start without Redis while plans limit API calls, naming them', () => {
    const { requirement } = setup(false, [plan('starter', 100), plan('free'), plan('enterprise', 10_000)]);
    expect(requirement.satisfied).toBe(false);
    const refusal = (() => {
      try {
        requirement.check();
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).fields).toEqual(['REDIS_URL']);
    expect((refusal as ConfigError).message).toContain(
      'REDIS_URL: is required while plans limit API calls per hour (apiCallsPerHour): enterprise, starter',
    );
  });

  it('starts without Redis when no plan limits API calls, and turns not ready, logging once, when one gains a limit', () => {
    const { requirement, set, logged } = setup(false, [plan('free'), plan('team')]);
    expect(() => requirement.check()).not.toThrow();
    expect(requirement.satisfied).toBe(true);
    set(plan('team', 500));
    expect(requirement.satisfied).toBe(false);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        plans: ['team'],
        msg: expect.stringContaining('REDIS_URL is not set'),
      }),
    ]);
    // A resync or another change that leaves the same plans limited says nothing again.
    set(plan('team', 600));
    set(plan('free'));
    expect(logged).toHaveLength(1);
    set(plan('team'));
    expect(requirement.satisfied).toBe(true);
    expect(logged.at(-1)).toMatchObject({ level: 30, msg: expect.stringContaining('ready without Redis') });
  });

  it('asks nothing of the plans when Redis is configured', () => {
    const { requirement, set, logged } = setup(true, [plan('starter', 100)]);
    expect(() => requirement.check()).not.toThrow();
    set(plan('other', 5));
    expect(requirement.satisfied).toBe(true);
    expect(logged).toEqual([]);
  });
});
