import { queryOptions } from '@tanstack/react-query';
import { call } from './client.ts';
import { ApiError, type Problem } from './errors.ts';
import type { components } from './generated/schema.ts';
import { api } from './session.ts';

export type ChatAnswer = components['schemas']['ChatAnswer'];
export type ChatAction = components['schemas']['ChatAction'];
export type ChatSession = components['schemas']['ChatSession'];
export type ChatSessionSummary = components['schemas']['ChatSessionList']['sessions'][number];
/** What a streamed answer says while agents run (docs/concepts/chat.md, Streaming). */
export interface ChatProgress {
  stage: 'understood' | 'running' | 'ran';
  detail: string;
}

const inOrg = (org: string) => ({ 'x-org-id': org });

export const chatSessionsQuery = (org: string) =>
  queryOptions({
    queryKey: ['chat-sessions', org],
    queryFn: () => call(api.GET('/chat/sessions', { headers: inOrg(org) })),
  });

export const chatSessionQuery = (org: string, id: string) =>
  queryOptions({
    queryKey: ['chat-session', org, id],
    queryFn: () =>
      call(
        api.GET('/chat/sessions/{session_id}', { params: { path: { session_id: id } }, headers: inOrg(org) }),
      ),
  });

/** One server-sent event: its name and its data, the lines joined. */
export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * The events of a text/event-stream body as they arrive (the WHATWG format: blank-line separated
 * blocks of `field: value` lines; `event` defaults to `message`, `data` lines join with newlines).
 */
export async function* serverEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value, { stream: !done }).replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = parseBlock(buffer.slice(0, end));
      if (block) yield block;
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
    if (done) {
      const last = parseBlock(buffer);
      if (last) yield last;
      return;
    }
  }
}

function parseBlock(block: string): ServerEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { event, data: data.join('\n') } : undefined;
}

/**
 * POST /chat as server-sent events: `onProgress` hears each progress event; the answer is the
 * `message` event. A refusal before the stream is the usual ApiError, and so is an `error` event.
 */
export async function sendChat(
  org: string,
  body: { message: string; session_id?: string },
  onProgress: (progress: ChatProgress) => void,
): Promise<ChatAnswer> {
  const stream = await call(
    api.POST('/chat', {
      body,
      headers: { ...inOrg(org), accept: 'text/event-stream' },
      parseAs: 'stream',
    }),
  );
  if (!stream) throw ApiError.network(new Error('The answer had no body'));
  for await (const { event, data } of serverEvents(stream)) {
    if (event === 'progress') onProgress(JSON.parse(data) as ChatProgress);
    else if (event === 'message') return JSON.parse(data) as ChatAnswer;
    else if (event === 'error') {
      const problem = JSON.parse(data) as Problem;
      throw ApiError.fromResponse(new Response(null, { status: problem.status }), problem);
    }
  }
  throw ApiError.network(new Error('The answer ended before its message'));
}
