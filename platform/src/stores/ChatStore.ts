import type { Knex } from 'knex';
import type { ChatAction } from '../contract/chat.ts';
import type { TenantDatabases } from '../tenant-db/databases.ts';

/** What follow-ups refer to: the last environment, run and the intent they repeat. */
export interface ChatContext {
  environment?: string;
  runId?: string;
  /** The last intent a follow-up can repeat elsewhere or narrow (JSON of parser.ts's Intent). */
  intent?: Record<string, unknown>;
}

export interface ChatSession {
  id: string;
  userId: string;
  createdAt: Date;
  lastActiveAt: Date;
  context: ChatContext;
  messages: number;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  actions: ChatAction[];
  createdAt: Date;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  last_active_at: Date;
  context: ChatContext;
  messages: number;
}

const toSession = (row: SessionRow): ChatSession => ({
  id: row.id,
  userId: row.user_id,
  createdAt: row.created_at,
  lastActiveAt: row.last_active_at,
  context: row.context,
  messages: row.messages,
});

const SESSION_COLUMNS = `s.id, s.user_id, s.created_at, s.last_active_at, s.context,
  (SELECT count(*)::integer FROM chat_messages m WHERE m.session_id = s.id) AS messages`;

/**
 * Chat sessions and their messages, in each organization's tenant database. A session is its
 * user's: every read names the user, and one last active before `activeSince` has expired (it
 * reads as absent, and opening its id again starts it afresh). `in(orgId)` connects once (the
 * database's URL is read from its Secret on each connect), so one message costs one connect.
 */
export class ChatStore {
  private readonly databases: TenantDatabases;

  constructor(databases: TenantDatabases) {
    this.databases = databases;
  }

  async in(orgId: string): Promise<ChatSessions> {
    return new ChatSessions(await this.databases.connect(orgId));
  }
}

/** The chat sessions of one organization's tenant database (the database is the tenant boundary). */
export class ChatSessions {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /**
   * The session `id`, opened for `userId` when it is new or expired (one statement, which drops an
   * expired one's messages); `taken` when another user's live session has that id.
   */
  async open(id: string, userId: string, now: Date, activeSince: Date): Promise<ChatSession | 'taken'> {
    const { rows } = await this.db.raw<{ rows: SessionRow[] }>(
      `WITH opened AS (
         INSERT INTO chat_sessions AS s (id, user_id, created_at, last_active_at, context)
         VALUES (?, ?, ?, ?, '{}')
         ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, created_at = excluded.created_at,
           last_active_at = excluded.last_active_at, context = '{}'
         WHERE s.last_active_at < ?
         RETURNING s.id, s.user_id, s.created_at, s.last_active_at, s.context, (xmax = 0) AS fresh),
       -- An expired session taken over keeps nothing of before, in the same statement.
       dropped AS (
         DELETE FROM chat_messages WHERE session_id = ? AND EXISTS (SELECT 1 FROM opened WHERE NOT fresh))
       SELECT id, user_id, created_at, last_active_at, context, 0 AS messages FROM opened`,
      [id, userId, now, now, activeSince, id],
    );
    const opened = rows[0];
    if (opened) return toSession(opened);
    const existing = await this.db.raw<{ rows: SessionRow[] }>(
      `SELECT ${SESSION_COLUMNS} FROM chat_sessions s WHERE s.id = ?`,
      [id],
    );
    const row = existing.rows[0];
    if (!row) throw new Error(`Chat session ${id} vanished while it was opened`);
    return row.user_id === userId ? toSession(row) : 'taken';
  }

  /** Adds one exchange to the session and moves its context and last activity, in one statement. */
  async record(
    id: string,
    exchange: ReadonlyArray<Omit<ChatMessage, 'createdAt'>>,
    context: ChatContext,
    now: Date,
  ): Promise<void> {
    await this.db.raw(
      `WITH added AS (
         INSERT INTO chat_messages (session_id, role, content, actions, created_at)
         SELECT ?, m.role, m.content, m.actions, ?
         FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (role text, content text, actions jsonb))
           WITH ORDINALITY AS m(role, content, actions, n)
         ORDER BY m.n)
       UPDATE chat_sessions SET context = ?::jsonb, last_active_at = ? WHERE id = ?`,
      [id, now, JSON.stringify(exchange), JSON.stringify(context), now, id],
    );
  }

  /** The user's live sessions, last active first. */
  async list(userId: string, activeSince: Date): Promise<ChatSession[]> {
    const { rows } = await this.db.raw<{ rows: SessionRow[] }>(
      `SELECT ${SESSION_COLUMNS} FROM chat_sessions s
       WHERE s.user_id = ? AND s.last_active_at >= ?
       ORDER BY s.last_active_at DESC, s.id LIMIT 200`,
      [userId, activeSince],
    );
    return rows.map(toSession);
  }

  /** One live session of the user, with its messages in order; undefined for anyone else's. */
  async get(
    id: string,
    userId: string,
    activeSince: Date,
  ): Promise<{ session: ChatSession; messages: ChatMessage[] } | undefined> {
    const { rows } = await this.db.raw<{ rows: SessionRow[] }>(
      `SELECT ${SESSION_COLUMNS} FROM chat_sessions s WHERE s.id = ? AND s.user_id = ? AND s.last_active_at >= ?`,
      [id, userId, activeSince],
    );
    const row = rows[0];
    if (!row) return undefined;
    const messages = (await this.db('chat_messages')
      .where({ session_id: id })
      .orderBy('id')
      .select('role', 'content', 'actions', 'created_at')) as Array<{
      role: 'user' | 'assistant';
      content: string;
      actions: ChatAction[];
      created_at: Date;
    }>;
    return {
      session: toSession(row),
      messages: messages.map((m) => ({
        role: m.role,
        content: m.content,
        actions: m.actions,
        createdAt: m.created_at,
      })),
    };
  }
}
