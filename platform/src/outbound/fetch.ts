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
}

/**
 * The one fetch for every request the platform makes to a URL from outside (identity providers
 * today): private, loopback and link-local addresses are refused at connect time, after DNS.
 * Redirects are not followed, so a public URL cannot send the request somewhere private.
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
    const body = [204, 205, 304].includes(response.status) ? null : await response.arrayBuffer();
    return new Response(body, { status: response.status, headers: response.headers });
  };
}
