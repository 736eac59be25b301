import type { Knex } from 'knex';

/** What the callback needs to finish a login it started: kept server-side, used once. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The organization named at /auth/login, if any. */
  orgId: string | null;
  /** The issuer the browser was sent to; the callback must come back from the same one. */
  issuer: string;
  returnTo: string;
  expiresAt: Date;
  /** The invitation link the login was started with, accepted at the callback. */
  invitation?: string | null;
}

interface PendingLoginRow {
  state: string;
  nonce: string;
  code_verifier: string;
  org_id: string | null;
  issuer: string;
  return_to: string;
  expires_at: Date;
  invitation: string | null;
}

export class PendingLoginStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  async create(idHash: Buffer, login: PendingLogin): Promise<void> {
    await this.db('pending_logins').insert({
      id_hash: idHash,
      state: login.state,
      nonce: login.nonce,
      code_verifier: login.codeVerifier,
      org_id: login.orgId,
      issuer: login.issuer,
      return_to: login.returnTo,
      expires_at: login.expiresAt,
      invitation: login.invitation ?? null,
    });
  }

  /** Deletes and returns the pending login in one statement, so two callbacks cannot both use it. */
  async take(idHash: Buffer, now: Date): Promise<PendingLogin | undefined> {
    const [row] = (await this.db('pending_logins')
      .where({ id_hash: idHash })
      .delete()
      .returning([
        'state',
        'nonce',
        'code_verifier',
        'org_id',
        'issuer',
        'return_to',
        'expires_at',
        'invitation',
      ])) as PendingLoginRow[] | [];
    if (!row || row.expires_at <= now) return undefined;
    return {
      state: row.state,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      orgId: row.org_id,
      issuer: row.issuer,
      returnTo: row.return_to,
      expiresAt: row.expires_at,
      invitation: row.invitation,
    };
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.db('pending_logins').where('expires_at', '<=', now).delete();
  }
}
