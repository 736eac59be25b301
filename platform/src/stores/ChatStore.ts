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
 * reads as absent, and opening its id again starts it afresh).
 */
export class ChatStore {
  private readonly databases: TenantDatabases;

  constructor(databases: TenantDatabases) {
    this.databases = databases;
  }

  /**
   * The session `id`, opened for `userId` when it is new or expired; `taken` when another user's
   * live session has that id.
   */
  async open(
    orgId: string,
    id: string,
    userId: string,
    now: Date,
    activeSince: Date,
  ): Promise<ChatSession | 'taken'> {
    const db = await this.databases.connect(orgId);
    return db.transaction(async (trx) => {
      await trx.raw('DELETE FROM chat_sessions WHERE id = ? AND last_active_at < ?', [id, activeSince]);
      await trx.raw(
        `INSERT INTO chat_sessions (id, user_id, created_at, last_active_at, context)
         VALUES (?, ?, ?, ?, '{}') ON CONFLICT (id) DO NOTHING`,
        [id, userId, now, now],
      );
      const { rows } = await trx.raw<{ rows: SessionRow[] }>(
        `SELECT ${SESSION_COLUMNS} FROM chat_sessions s WHERE s.id = ? FOR UPDATE`,
        [id],
      );
      const row = rows[0];
      if (!row) throw new Error(`Chat session ${id} vanished while it was opened`);
      return row.user_id === userId ? toSession(row) : 'taken';
    });
  }

  /** Adds one exchange to the session and moves its context and last activity, in one transaction. */
  async record(
    orgId: string,
    id: string,
    exchange: ReadonlyArray<Omit<ChatMessage, 'createdAt'>>,
    context: ChatContext,
    now: Date,
  ): Promise<void> {
    const db = await this.databases.connect(orgId);
    await db.transaction(async (trx) => {
      await trx('chat_messages').insert(
        exchange.map((message) => ({
          session_id: id,
          role: message.role,
          content: message.content,
          actions: JSON.stringify(message.actions),
          created_at: now,
        })),
      );
      await trx('chat_sessions')
        .where({ id })
        .update({ context: JSON.stringify(context), last_active_at: now });
    });
  }

  /** The user's live sessions, last active first. */
  async list(orgId: string, userId: string, activeSince: Date): Promise<ChatSession[]> {
    const db = await this.databases.connect(orgId);
    const { rows } = await db.raw<{ rows: SessionRow[] }>(
      `SELECT ${SESSION_COLUMNS} FROM chat_sessions s
       WHERE s.user_id = ? AND s.last_active_at >= ?
       ORDER BY s.last_active_at DESC, s.id LIMIT 200`,
      [userId, activeSince],
    );
    return rows.map(toSession);
  }

  /** One live session of the user, with its messages in order; undefined for anyone else's. */
  async get(
    orgId: string,
    id: string,
    userId: string,
    activeSince: Date,
  ): Promise<{ session: ChatSession; messages: ChatMessage[] } | undefined> {
    const db = await this.databases.connect(orgId);
    const { rows } = await db.raw<{ rows: SessionRow[] }>(
      `SELECT ${SESSION_COLUMNS} FROM chat_sessions s WHERE s.id = ? AND s.user_id = ? AND s.last_active_at >= ?`,
      [id, userId, activeSince],
    );
    const row = rows[0];
    if (!row) return undefined;
    const messages = (await db('chat_messages')
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
