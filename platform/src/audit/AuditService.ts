import type { Knex } from 'knex';
import { type Actor, currentOrg } from '../services/actor.ts';
import type { AuditEntry, AuditLog, AuditQuery } from './AuditLog.ts';
import { type Verification, verifyChain } from './verify.ts';
import type { VerifyCache } from './verify-cache.ts';

export interface AuditServiceOptions {
  log: Pick<AuditLog, 'list' | 'head'>;
  db: Knex;
  /** Signs checkpoints and heads (checkpointKey of GUARDIAN_ENCRYPTION_KEY). */
  key: Buffer;
  /** Answers GET /audit/verify again while a chain's head is unchanged (not `guardian audit verify`). */
  cache?: VerifyCache;
}

/**
 * Reading and verifying the audit trail: what GET /audit, GET /audit/verify and
 * `guardian audit verify` call. The actor's audit:read was checked by the route.
 */
export class AuditService {
  private readonly o: AuditServiceOptions;

  constructor(options: AuditServiceOptions) {
    this.o = options;
  }

  /** The trail of the organization the actor acts in, newest first. */
  list(actor: Actor, query: AuditQuery): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
    return this.o.log.list(currentOrg(actor), query);
  }

  /** Verifies the chain of the organization the actor acts in, or answers as it did for this head. */
  async verify(actor: Actor): Promise<Verification> {
    const orgId = currentOrg(actor);
    const { cache } = this.o;
    if (!cache) return this.verifyChain(orgId);
    const stored = await this.o.log.head(orgId);
    const head = stored ? `${stored.seq} ${stored.hash} ${stored.signature ?? ''}` : 'none';
    // An unreachable cache (Redis down) costs a verification, never the answer.
    const cached = await cache.get(orgId, head).catch(() => undefined);
    if (cached) return cached;
    const verification = await this.verifyChain(orgId);
    await cache.set(orgId, head, verification).catch(() => undefined);
    return verification;
  }

  /** Verifies one chain, an organization's or the instance's (INSTANCE_CHAIN), for an operator. */
  verifyChain(chain: string): Promise<Verification> {
    return verifyChain(this.o.db, this.o.key, chain);
  }
}
