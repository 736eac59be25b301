import type { Knex } from 'knex';

/**
 * Serializes work on one name of one kind across every replica: a transaction-scoped Postgres
 * advisory lock on (kind, name), held until `work` settles. What makes an API create race-free
 * while it still writes by server-side apply (DESIGN.md, "Writing to Kubernetes"): the second
 * create of a name waits, then finds the first one's object.
 */
export class NameLockStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /** Runs `work` holding the lock of `kind` and `name` (namespaced kinds: `namespace/name`). */
  holding<T>(kind: string, name: string, work: () => Promise<T>): Promise<T> {
    return this.db.transaction(async (trx) => {
      // The first key names the kind (as the seats' lock's names seats), the second the name.
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))', [
        `guardian.name.${kind}`,
        name,
      ]);
      return work();
    });
  }
}
