import { PassThrough } from 'node:stream';
import {
  ChatAnswer,
  ChatRequest,
  ChatSessionList,
  ChatSessionView,
  MESSAGE_LIMIT,
} from '../contract/chat.ts';
import { problemBody, toProblem } from '../http/error-handler.ts';
import { logError } from '../http/log-error.ts';
import { type Api, problem } from '../http/operation.ts';
import type { AuthedContext } from '../http/state.ts';
import type { Actor } from '../services/actor.ts';
import type { ChatService } from '../services/ChatService.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem(
    'Not allowed: x-org-id is not one of your organizations, x-user-id is not you, or your role does not grant what the message asks (agents:run, workflows:create, workflows:approve, ...)',
  ),
  429: problem('Over the hourly API limit, or the plan’s agent executions or workflow runs are used'),
  503: problem('The organization’s database cannot be reached'),
};

export function chatRoutes(api: Api, service: ChatService): void {
  const base = { tag: 'chat', auth: 'any' as const, permission: 'chat:use' as const };

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/chat',
      summary: 'Ask in plain words: run agents, read findings, start, follow and decide workflows',
      description:
        'A deterministic parser (no LLM) maps the message to an intent, carried out by the same ' +
        'services, permissions, metering and approval rules as the API’s own routes; an unplaceable ' +
        'message, or one that tries to give instructions, is answered with what the chat can do and ' +
        `does nothing. message: at most ${MESSAGE_LIMIT} characters. session_id: a new id opens a ` +
        'session, a known one of yours continues it (follow-ups: "what about production?", "show me ' +
        'the critical ones", "fix them"). With Accept: text/event-stream the answer streams as ' +
        'server-sent events: `progress` events while agents run, then one `message` event holding ' +
        'this answer (or an `error` event holding a problem).',
      body: ChatRequest,
      responses: {
        200: { description: 'The answer', schema: ChatAnswer },
        400: problem(
          'Invalid input: an empty or oversized message, a malformed session_id or another user’s, an environment the organization does not have',
        ),
        ...refusals,
        404: problem('The workflow run the message names does not exist in the organization'),
        409: problem('The environment is not provisioned yet, or the gate awaits no decision'),
      },
    },
    async (ctx, { body, actor }) => {
      if (ctx.get('accept').includes('text/event-stream')) {
        await stream(ctx, service, actor, body);
        return;
      }
      ctx.body = ChatAnswer.parse(await service.chat(actor, body));
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/chat/sessions',
      summary: 'Your chat sessions that have not expired, last active first',
      description: 'Only your own: nobody else’s, whatever their role.',
      responses: { 200: { description: 'Sessions', schema: ChatSessionList }, ...refusals },
    },
    async (ctx, { actor }) => {
      const sessions = await service.sessions(actor);
      ctx.body = ChatSessionList.parse({ sessions: sessions.map((s) => service.sessionFields(s)) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/chat/sessions/{session_id}',
      summary: 'One of your chat sessions: its messages and what follow-ups refer to',
      responses: {
        200: { description: 'The session', schema: ChatSessionView },
        ...refusals,
        404: problem('No such session of yours (another user’s answers the same)'),
      },
    },
    async (ctx, { params, actor }) => {
      ctx.body = ChatSessionView.parse(await service.session(actor, params.session_id ?? ''));
    },
  );
}

/**
 * The answer as server-sent events. Input is refused as usual (problem+json) until the message is
 * understood; from then on the response is a stream, and a failure is its `error` event.
 */
async function stream(
  ctx: AuthedContext,
  service: ChatService,
  actor: Actor,
  body: ChatRequest,
): Promise<void> {
  const events = new PassThrough();
  const send = (event: string, data: unknown) =>
    events.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  let understood: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    understood = resolve;
  });
  const answer = service.chat(actor, body, (progress) => {
    understood();
    send('progress', progress);
  });
  await Promise.race([started, answer]);
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set('cache-control', 'no-cache');
  ctx.body = events;
  answer
    .then((result) => send('message', ChatAnswer.parse(result)))
    .catch((error: unknown) => {
      const problem = toProblem(error);
      if (problem.status >= 500) ctx.state.log?.error({ error: logError(error) }, 'Chat stream failed');
      send('error', problemBody(problem, ctx.state.requestId));
    })
    .finally(() => events.end());
}
