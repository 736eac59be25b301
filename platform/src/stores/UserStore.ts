import type { Knex } from 'knex';

export interface User {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

interface UserRow {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  email_verified: boolean;
  name: string | null;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  issuer: row.issuer,
  subject: row.subject,
  email: row.email,
  emailVerified: row.email_verified,
  name: row.name,
});

/** Platform users, one per (issuer, subject): users are instance-wide, not org-scoped. */
export class UserStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /** Creates the user on first login, or refreshes the claims the identity provider asserts now. */
  async upsert(identity: Omit<User, 'id'>): Promise<User> {
    const [row] = await this.db<UserRow>('users')
      .insert({
        issuer: identity.issuer,
        subject: identity.subject,
        email: identity.email,
        email_verified: identity.emailVerified,
        name: identity.name,
      })
      .onConflict(['issuer', 'subject'])
      .merge({
        email: identity.email,
        email_verified: identity.emailVerified,
        name: identity.name,
        updated_at: this.db.fn.now(),
      } as Partial<UserRow>)
      .returning(['id', 'issuer', 'subject', 'email', 'email_verified', 'name']);
    if (!row) throw new Error('Could not store the user');
    return toUser(row as UserRow);
  }

  /** The user whose email `issuer` verified (the most recently seen, should there be several). */
  async findVerified(issuer: string, email: string): Promise<User | undefined> {
    const row = await this.db<UserRow>('users')
      .where({ issuer, email_verified: true })
      .whereRaw('lower(email) = lower(?)', [email])
      .orderBy('updated_at', 'desc')
      .first();
    return row ? toUser(row) : undefined;
  }

  async get(userId: string): Promise<User | undefined> {
    const row = await this.db<UserRow>('users').where({ id: userId }).first();
    return row ? toUser(row) : undefined;
  }
}
