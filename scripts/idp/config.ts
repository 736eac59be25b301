import { readFileSync } from 'node:fs';
import type { JsonWebKey } from 'oidc-provider';

/** The issuers the development identity provider serves, each under `/<name>` on one port. */
export const ISSUERS = ['default', 'techcorp'] as const;
export type IssuerName = (typeof ISSUERS)[number];

export function issuerUrl(port: number, name: IssuerName): string {
  return `https://127.0.0.1:${port}/${name}`;
}

/**
 * What `main.ts --config <file>` reads. The stack writes the file with mode 0600 because it holds
 * the client secret, the cookie keys and the private signing keys, none of which belong in argv.
 */
export interface IdpConfig {
  /** Listens on 127.0.0.1:<port>; issuers are `https://127.0.0.1:<port>/<issuer name>`. */
  port: number;
  /** PEM file paths of the HTTPS serving certificate and its key. */
  cert: string;
  key: string;
  clientId: string;
  clientSecret: string;
  /** Signs the provider's cookies; the first one signs, all verify (rotation). */
  cookieKeys: string[];
  /** Private signing keys per issuer (an EC P-256 key for ES256, an RSA key for RS256). */
  jwks: Record<IssuerName, { keys: JsonWebKey[] }>;
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export function loadConfig(file: string): IdpConfig {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: not a JSON object`);
  const config = raw as Partial<IdpConfig>;
  const problems = [
    Number.isInteger(config.port) ? '' : 'port',
    ...(['cert', 'key', 'clientId', 'clientSecret'] as const).map((k) => (isString(config[k]) ? '' : k)),
    Array.isArray(config.cookieKeys) && config.cookieKeys.length > 0 && config.cookieKeys.every(isString)
      ? ''
      : 'cookieKeys',
    ...ISSUERS.map((issuer) => (Array.isArray(config.jwks?.[issuer]?.keys) ? '' : `jwks.${issuer}.keys`)),
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${file}: missing or invalid ${problems.join(', ')}`);
  return config as IdpConfig;
}
