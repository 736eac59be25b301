import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { type OutboundOptions, outboundFetch } from '../outbound/fetch.ts';

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const CACHE_MS = 60 * 60_000;

/**
 * Discovered OpenID provider configurations, cached per (issuer, client, secret) for an hour so a
 * login does not pay a discovery round trip, while a changed client secret takes effect at once.
 */
export class OidcClients {
  private readonly fetch: oidc.CustomFetch;
  private readonly cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  /** Issuers are tenants' URLs: discovery and token calls go through the outbound guard. */
  constructor(options: OutboundOptions) {
    const guarded = outboundFetch(options);
    this.fetch = (url, init) => guarded(url, init as RequestInit);
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
      { [oidc.customFetch]: this.fetch, timeout: 10 },
    );
    // A failed discovery is retried by the next login rather than remembered.
    config.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: Date.now(), config });
    return config;
  }
}
