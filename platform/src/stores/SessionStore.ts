import type { Knex } from 'knex';

export interface Session {
  userId: string;
  issuer: string;
  /** The organization whose own identity provider signed the user in, if any. */
  loginOrgId: string | null;
  email: string | null;
  emailVerified: boolean;
  /** The groups claim as the identity provider asserted it at login. */
  groups: string[];
  expiresAt: Date;
}

interface SessionRow {
  id_hash: Buffer;
  user_id: string;
  issuer: string;
  login_org_id: string | null;
  email: string | null;
  email_verified: boolean;
  groups: string[];
  expires_at: Date;
}

/** Browser sessions, found by the SHA-256 of the cookie value (the value itself is never stored). */
export class SessionStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  async create(idHash: Buffer, session: Session): Promise<void> {
    await this.db('sessions').insert({
      id_hash: idHash,
      user_id: session.userId,
      issuer: session.issuer,
      login_org_id: session.loginOrgId,
      email: session.email,
      email_verified: session.emailVerified,
      groups: JSON.stringify(session.groups),
      expires_at: session.expiresAt,
    });
  }

  async findLive(idHash: Buffer, now: Date): Promise<Session | undefined> {
    const row = await this.db<SessionRow>('sessions')
      .where({ id_hash: idHash })
      .andWhere('expires_at', '>', now)
      .first();
    if (!row) return undefined;
    return {
      userId: row.user_id,
      issuer: row.issuer,
      loginOrgId: row.login_org_id,
      email: row.email,
      emailVerified: row.email_verified,
      groups: row.groups,
      expiresAt: row.expires_at,
    };
  }

  async delete(idHash: Buffer): Promise<boolean> {
    return (await this.db('sessions').where({ id_hash: idHash }).delete()) > 0;
  }

  /** Revokes every session of a user (e.g. after removal from the instance). */
  async deleteForUser(userId: string): Promise<number> {
    return this.db('sessions').where({ user_id: userId }).delete();
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', now).delete();
  }
}
