import { describe, expect, it } from 'vitest';
import { type ServerEvent, serverEvents } from './chat.ts';

/** A body that arrives in the given chunks, as a network splits it. */
const body = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function collect(stream: ReadableStream<Uint8Array>): Promise<ServerEvent[]> {
  const events: ServerEvent[] = [];
  for await (const event of serverEvents(stream)) events.push(event);
  return events;
}

describe('serverEvents', () => {
  it('reads named events with their data, however the chunks split them', async () => {
    const text = 'event: progress\ndata: {"stage":"running"}\n\nevent: message\ndata: {"message":"done"}\n\n';
    const whole = await collect(body(text));
    expect(whole).toEqual([
      { event: 'progress', data: '{"stage":"running"}' },
      { event: 'message', data: '{"message":"done"}' },
    ]);
    const split = await collect(body(...(text.match(/[\s\S]{1,7}/g) ?? [])));
    expect(split).toEqual(whole);
  });

  it('defaults the name to message, joins data lines, skips comments and blocks without data', async () => {
    expect(await collect(body(': keep-alive\n\nevent: ping\n\ndata: a\ndata: b\r\n\r\n'))).toEqual([
      { event: 'message', data: 'a\nb' },
    ]);
  });

  it('reads a last event that lacks its blank line', async () => {
    expect(await collect(body('event: error\ndata: {"status":500}'))).toEqual([
      { event: 'error', data: '{"status":500}' },
    ]);
  });
});
