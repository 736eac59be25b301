import type { JWK } from 'jose';
import type { Knex } from 'knex';

export interface SigningKeyRecord {
  kid: string;
  publicJwk: JWK;
  /** The private JWK, sealed with the instance's encryption key (see crypto/secret-box.ts). */
  privateJwkSealed: string;
  /** When it appears in the JWKS. */
  publishAt: Date;
  /** When it starts signing; the key before it stops then. */
  activateAt: Date;
}

interface SigningKeyRow {
  kid: string;
  public_jwk: JWK;
  private_jwk_sealed: string;
  publish_at: Date;
  activate_at: Date;
}

/** Token signing keys: instance-wide, so not org-scoped. */
export class SigningKeyStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  async list(): Promise<SigningKeyRecord[]> {
    const rows = await this.db<SigningKeyRow>('signing_keys').orderBy([
      { column: 'activate_at', order: 'asc' },
      { column: 'kid', order: 'asc' },
    ]);
    return rows.map((row) => ({
      kid: row.kid,
      publicJwk: row.public_jwk,
      privateJwkSealed: row.private_jwk_sealed,
      publishAt: row.publish_at,
      activateAt: row.activate_at,
    }));
  }

  async insert(key: SigningKeyRecord, db: Knex = this.db): Promise<void> {
    await db('signing_keys').insert({
      kid: key.kid,
      alg: 'ES256',
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk_sealed: key.privateJwkSealed,
      publish_at: key.publishAt,
      activate_at: key.activateAt,
    });
  }

  async delete(kids: string[]): Promise<number> {
    if (kids.length === 0) return 0;
    return this.db('signing_keys').whereIn('kid', kids).delete();
  }

  /**
   * Runs `fn` holding an instance-wide lock, so two replicas starting at once (or a rotation
   * racing a start) do not both create a key.
   */
  exclusively<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (trx) => {
      await trx.raw("select pg_advisory_xact_lock(hashtext('guardian.signing_keys'))");
      return fn(trx);
    });
  }

  /** The keys as this transaction sees them (inside `exclusively`). */
  async count(db: Knex): Promise<number> {
    const [row] = await db('signing_keys').count<{ count: string }[]>({ count: '*' });
    return Number(row?.count ?? 0);
  }
}
