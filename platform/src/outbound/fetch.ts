import { readFileSync } from 'node:fs';
import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { checkAddress, guardedLookup } from './guard.ts';

export interface OutboundOptions {
  /** Addresses allowed despite the guard (OUTBOUND_ALLOWED_CIDRS). */
  allowed: BlockList;
  /** A PEM file of CAs trusted besides the system's (OIDC_CA_FILE). */
  caFile?: string | undefined;
  /** Reads at most this much of a response body and drops the rest (default: all of it). */
  maxResponseBytes?: number;
}

/** The body of `response`, cut at `limit` bytes: the rest is never read off the socket. */
async function boundedBody(response: Response, limit: number): Promise<ArrayBuffer> {
  const reader = response.body?.getReader();
  if (!reader) return new ArrayBuffer(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value.subarray(0, limit - size));
    size += Math.min(value.byteLength, limit - size);
  }
  await reader.cancel().catch(() => undefined);
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}

/**
 * The one fetch for every request the platform makes to a URL from outside (identity providers
 * today): private, loopback and link-local addresses are refused at connect time, after DNS.
 * Redirects are not followed, so a public URL cannot send the request somewhere private.
 * Webhook deliveries use it too, with a bound on the response body.
 */
export function outboundFetch(options: OutboundOptions): typeof fetch {
  const ca = options.caFile ? [...rootCertificates, readFileSync(options.caFile, 'utf8')] : undefined;
  const agent = new Agent({ connect: { ...(ca ? { ca } : {}), lookup: guardedLookup(options.allowed) } });
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    // A literal address is connected to without a lookup: check it here.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) checkAddress(url.hostname, host, options.allowed);
    const response = await undiciFetch(url, {
      method: init?.method,
      headers: init?.headers as Record<string, string> | undefined,
      body: init?.body as string | URLSearchParams | Uint8Array | null | undefined,
      redirect: 'manual',
      signal: init?.signal,
      dispatcher: agent,
    });
    // Callers (openid-client) want the global Response, not undici's own class.
    const empty = [204, 205, 304].includes(response.status);
    const limit = options.maxResponseBytes;
    const body = empty
      ? null
      : limit === undefined
        ? await response.arrayBuffer()
        : await boundedBody(response as unknown as Response, limit);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}
