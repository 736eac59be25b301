import type { QuotaPolicy } from '@guardian/crds/generated';
import { ConfigError } from '@guardian/kube/env';
import type { Logger } from 'pino';
import type { OrganizationDirectory } from '../services/OrganizationDirectory.ts';

/** The names of the plans that limit API calls per hour, sorted: only Redis counts those calls. */
export function plansLimitingApiCalls(plans: readonly QuotaPolicy[]): string[] {
  return plans
    .filter((plan) => plan.spec.apiCallsPerHour !== undefined)
    .map((plan) => plan.metadata?.name ?? '')
    .sort();
}

export interface RedisRequirementOptions {
  /** Whether REDIS_URL is set. */
  configured: boolean;
  directory: Pick<OrganizationDirectory, 'allPlans' | 'onPlanChange'>;
  log: Logger;
}

/**
 * REDIS_URL is required while any plan limits API calls per hour, since nothing else counts them.
 * Plans are QuotaPolicies that change at any time, so this is checked twice: once the plans are
 * read at start (`check`: the platform refuses to start, naming them), and on every later plan
 * change (the platform reports not ready, and logs an error naming them, once per change).
 */
export class RedisRequirement {
  private readonly o: RedisRequirementOptions;
  /** The plans last reported as needing the missing Redis; undefined until `check` ran. */
  private reported: string[] | undefined;

  constructor(options: RedisRequirementOptions) {
    this.o = options;
    if (!options.configured) options.directory.onPlanChange(() => this.recheck());
  }

  /** The plans that need Redis while it is not configured (none when it is). */
  missing(): string[] {
    return this.o.configured ? [] : plansLimitingApiCalls(this.o.directory.allPlans());
  }

  /** Whether the platform can count what its plans limit: for /readyz. */
  get satisfied(): boolean {
    return this.missing().length === 0;
  }

  /** At start, once the plans have synced: a ConfigError naming the plans that need Redis. */
  check(): void {
    const missing = this.missing();
    this.reported = missing;
    if (missing.length > 0) {
      throw new ConfigError(
        ['REDIS_URL'],
        `  REDIS_URL: is required while plans limit API calls per hour (apiCallsPerHour): ${missing.join(', ')}`,
      );
    }
  }

  private recheck(): void {
    if (this.reported === undefined) return;
    const missing = this.missing();
    if (missing.join() === this.reported.join()) return;
    this.reported = missing;
    if (missing.length > 0) {
      this.o.log.error(
        { plans: missing },
        'REDIS_URL is not set, but plans limit API calls per hour: not ready until REDIS_URL is set or their apiCallsPerHour removed',
      );
    } else {
      this.o.log.info('No plan limits API calls per hour any more: ready without Redis');
    }
  }
}
