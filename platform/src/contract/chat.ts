import { z } from 'zod';
import { FindingView } from './agents.ts';
import { contract } from './registry.ts';
import { orgId } from './token.ts';

/** The longest message POST /chat accepts, in characters (docs/concepts/chat.md). */
export const MESSAGE_LIMIT = 2000;

export const sessionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, _ or -' });

export const ChatRequest = contract(
  'ChatRequest',
  z.strictObject({
    message: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(MESSAGE_LIMIT, { error: `must be at most ${MESSAGE_LIMIT} characters` }),
    session_id: sessionId
      .optional()
      .describe('Continues this session of yours, or opens it when new; absent: a new session'),
  }),
);
export type ChatRequest = z.infer<typeof ChatRequest>;

export const ChatAction = contract(
  'ChatAction',
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('agent_run'), run_id: z.uuid() }),
    z.strictObject({ type: z.literal('workflow'), workflow_id: z.string() }),
  ]),
  'What the message caused: an agent run, or a workflow run started or decided',
);
export type ChatAction = z.infer<typeof ChatAction>;

const intent = z
  .enum([
    'run_agents',
    'show_findings',
    'start_workflow',
    'workflow_status',
    'decide',
    'repeat_elsewhere',
    'narrow',
    'fix',
    'help',
    'unplaceable',
  ])
  .describe('What the message was understood as');

export const ChatAnswer = contract(
  'ChatAnswer',
  z.strictObject({
    message: z.string().describe('The answer, in short markdown'),
    session_id: sessionId,
    intent,
    environment: z.string().nullable().describe('The environment the answer is about, if any'),
    actions: z.array(ChatAction),
    findings: z.array(FindingView).optional().describe('The findings the answer is about (at most 50)'),
    tenant_context: z.strictObject({
      org_id: orgId,
      user_id: z.string(),
      quota_remaining: z
        .number()
        .int()
        .nullable()
        .describe('The organization’s agent executions left this billing period; null: unlimited'),
    }),
  }),
);
export type ChatAnswer = z.infer<typeof ChatAnswer>;

const sessionFields = {
  session_id: sessionId,
  created_at: z.iso.datetime(),
  last_active_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  messages: z.number().int().describe('Messages in the session, the caller’s and the answers'),
};

export const ChatSessionList = contract(
  'ChatSessionList',
  z.strictObject({ sessions: z.array(z.strictObject(sessionFields)).describe('Yours only, newest first') }),
);

export const ChatSessionView = contract(
  'ChatSession',
  z.strictObject({
    ...sessionFields,
    context: z
      .strictObject({
        environment: z.string().nullable(),
        run_id: z.uuid().nullable(),
        intent: z.string().nullable(),
      })
      .describe('What follow-ups refer to: the last environment, agent run and intent'),
    history: z.array(
      z.strictObject({
        role: z.enum(['user', 'assistant']),
        content: z.string(),
        actions: z.array(ChatAction),
        created_at: z.iso.datetime(),
      }),
    ),
  }),
);
export type ChatSessionView = z.infer<typeof ChatSessionView>;
