import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import type { Clock } from '@guardian/kube/clock';
import type { Knex } from 'knex';
import type { AuditLog } from '../audit/AuditLog.ts';
import { withTenant } from '../stores/with-tenant.ts';
import {
  type BatchConsumption,
  type Consumption,
  consumeAll,
  refund,
  type UsageKind,
  usage,
} from './consume.ts';
import { currentPeriod, planLimits } from './limits.ts';

export interface MeteringDeps {
  db: Knex;
  audit: Pick<AuditLog, 'append'>;
  /** Organizations and their plans as Kubernetes holds them (the platform's directory, the operator's informers). */
  organizations: {
    get(orgId: string): Organization | undefined;
    plan(org: Organization): QuotaPolicy | undefined;
  };
  clock: Clock;
}

/** A quota's state now: what is left of it and when its period ends. */
export interface QuotaState {
  limit: number | null;
  used: number;
  remaining: number | null;
  period: string;
  resetsAt: Date;
}

/**
 * Monthly quotas as the API and the operator both meter them: each key counted once in the usage
 * ledger against the organization's current plan and billing period, refusals audited
 * (`quota.exceeded`), refunds by compensating rows. One implementation for both, so a WorkflowRun
 * started through the API and seen by the operator counts once, whoever gets there first.
 */
export class Metering {
  private readonly deps: MeteringDeps;

  constructor(deps: MeteringDeps) {
    this.deps = deps;
  }

  /** Counts `key` (a WorkflowRun uid) once; a refusal is audited with `actor` as who asked. */
  async consume(
    orgId: string,
    kind: UsageKind,
    key: string,
    actor: string,
  ): Promise<Consumption & { resetsAt: Date }> {
    const { counted, ...rest } = await this.take(orgId, kind, [key], actor, key);
    return { ...rest, counted: counted > 0 };
  }

  /**
   * Counts `keys` (an agent run's `<run_id>:<agent>`) all or nothing, and audits a refusal (target:
   * the first key's run). `resetsAt` is when the billing period ends.
   */
  async consumeAll(
    orgId: string,
    kind: UsageKind,
    keys: readonly string[],
    actor: string,
  ): Promise<BatchConsumption & { resetsAt: Date }> {
    return this.take(orgId, kind, keys, actor, keys[0]?.split(':')[0] ?? '');
  }

  private async take(
    orgId: string,
    kind: UsageKind,
    keys: readonly string[],
    actor: string,
    target: string,
  ): Promise<BatchConsumption & { resetsAt: Date }> {
    const { limit, period, now } = this.quotaOf(orgId, kind);
    const result = await consumeAll(this.deps.db, orgId, kind, keys, limit, period.key, now);
    if (!result.allowed) {
      await this.deps.audit.append({
        orgId,
        actor,
        action: 'quota.exceeded',
        target,
        detail: {
          kind,
          limit,
          period: result.period,
          ...(keys.length === 1 ? {} : { requested: keys.length }),
        },
      });
    }
    return { ...result, resetsAt: period.end };
  }

  /** Gives back the unit `key` took (a compensating ledger row); false if it was not counted. */
  refund(orgId: string, kind: UsageKind, key: string): Promise<boolean> {
    return refund(this.deps.db, orgId, kind, key, new Date(this.deps.clock.now()));
  }

  /** What is left of `kind` this billing period, without taking any. */
  async state(orgId: string, kind: UsageKind): Promise<QuotaState> {
    const { limit, period } = this.quotaOf(orgId, kind);
    const used = (await withTenant(this.deps.db, { orgId }, (trx) => usage(trx, orgId, period.key)))[kind];
    return {
      limit,
      used,
      remaining: limit === null ? null : Math.max(0, limit - used),
      period: period.key,
      resetsAt: period.end,
    };
  }

  private quotaOf(orgId: string, kind: UsageKind) {
    const { organizations, clock } = this.deps;
    const org = organizations.get(orgId);
    if (!org) throw new Error(`Organization ${orgId} is not known`);
    const limits = planLimits(organizations.plan(org));
    const limit = kind === 'workflows' ? limits.workflowsPerMonth : limits.agentExecutionsPerMonth;
    const now = new Date(clock.now());
    return { limit, period: currentPeriod(org, now), now };
  }
}
