import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import * as oidc from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const CACHE_MS = 60 * 60_000;

/**
 * A fetch for identity providers that trusts the system CAs plus `caFile` (e.g. a private PKI or
 * the dev stack's CA), without touching TLS checks or the process-wide trust store. openid-client
 * insists on a global Response, so the undici answer is rewrapped.
 */
export function fetchTrustingCa(caFile: string): oidc.CustomFetch {
  const agent = new Agent({ connect: { ca: [...rootCertificates, readFileSync(caFile, 'utf8')] } });
  return async (url, options) => {
    const response = await undiciFetch(url, {
      method: options.method,
      headers: options.headers,
      body: options.body as string | URLSearchParams | Uint8Array | null | undefined,
      redirect: options.redirect,
      signal: options.signal,
      dispatcher: agent,
    });
    return new Response(await response.arrayBuffer(), { status: response.status, headers: response.headers });
  };
}

/**
 * Discovered OpenID provider configurations, cached per (issuer, client, secret) for an hour so a
 * login does not pay a discovery round trip, while a changed client secret takes effect at once.
 */
export class OidcClients {
  private readonly fetch: oidc.CustomFetch | undefined;
  private readonly cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  constructor(options: { caFile?: string | undefined }) {
    this.fetch = options.caFile ? fetchTrustingCa(options.caFile) : undefined;
  }

  configuration(settings: OidcClientSettings): Promise<oidc.Configuration> {
    const secretHash = createHash('sha256').update(settings.clientSecret).digest('base64url');
    const key = `${settings.issuer} ${settings.clientId} ${secretHash}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.config;
    const config = oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      undefined,
      oidc.ClientSecretBasic(settings.clientSecret),
      { ...(this.fetch ? { [oidc.customFetch]: this.fetch } : {}), timeout: 10 },
    );
    // A failed discovery is retried by the next login rather than remembered.
    config.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: Date.now(), config });
    return config;
  }
}
