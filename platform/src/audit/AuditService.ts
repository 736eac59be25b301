import type { Knex } from 'knex';
import { type Actor, currentOrg } from '../services/actor.ts';
import type { AuditEntry, AuditLog, AuditQuery } from './AuditLog.ts';
import { type Verification, verifyChain } from './verify.ts';

export interface AuditServiceOptions {
  log: Pick<AuditLog, 'list'>;
  db: Knex;
  /** Signs checkpoints and heads (checkpointKey of GUARDIAN_ENCRYPTION_KEY). */
  key: Buffer;
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

  /** Verifies the chain of the organization the actor acts in. */
  verify(actor: Actor): Promise<Verification> {
    return this.verifyChain(currentOrg(actor));
  }

  /** Verifies one chain, an organization's or the instance's (INSTANCE_CHAIN), for an operator. */
  verifyChain(chain: string): Promise<Verification> {
    return verifyChain(this.o.db, this.o.key, chain);
  }
}
