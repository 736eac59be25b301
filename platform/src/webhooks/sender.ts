import { Webhook } from 'standardwebhooks';
import { logError } from '../http/log-error.ts';
import { OutboundRefused } from '../outbound/guard.ts';

/** What one attempt achieved: a 2xx, or the status and a short reason (never the receiver's body). */
export type AttemptOutcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string };

export interface OutgoingMessage {
  /** The event's id (`webhook-id`), the same on every attempt so receivers can de-duplicate. */
  id: string;
  url: string;
  secret: string;
  /** The JSON body, as signed. */
  body: string;
}

/** The cause a connection error carries (undici wraps the lookup's OutboundRefused in `cause`). */
function reason(error: unknown): string {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof OutboundRefused || (cause as { code?: string }).code === 'EOUTBOUNDREFUSED')
      return 'refused by the outbound guard: the address is private, loopback or link-local';
    if (cause.name === 'TimeoutError') return 'timed out';
  }
  let inner = logError(error);
  while (inner.cause) inner = inner.cause;
  return inner.message.slice(0, 200);
}

/**
 * Sends one Standard Webhooks message (`webhook-id`, `webhook-timestamp`, `webhook-signature`,
 * HMAC-SHA256 over `id.timestamp.body`) through the outbound-guarded fetch: no redirects followed
 * (a 3xx is a failure), the response body bounded, the whole attempt within `timeoutMs`.
 */
export async function sendMessage(
  fetcher: typeof fetch,
  message: OutgoingMessage,
  at: Date,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  const signature = new Webhook(message.secret).sign(message.id, at, message.body);
  try {
    const response = await fetcher(message.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Guardian-Webhooks',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: message.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `the receiver answered ${response.status}` };
  } catch (error) {
    return { ok: false, status: null, error: reason(error) };
  }
}
