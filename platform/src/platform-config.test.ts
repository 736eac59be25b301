import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, platformConfig } from './config.ts';
import { platformUsage } from './main.ts';
import { sessionCookieName } from './platform.ts';

const key = randomBytes(32).toString('base64');
const valid = {
  DATABASE_URL: 'postgres://guardian_app:app-secret@127.0.0.1:5432/guardian',
  OIDC_ISSUER: 'https://idp.example/default',
  OIDC_CLIENT_ID: 'guardian',
  OIDC_CLIENT_SECRET: 'client-secret',
  GUARDIAN_ENCRYPTION_KEY: key,
};

function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('platformConfig', () => {
  it('fills in loopback defaults and derives PUBLIC_URL from the port', () => {
    const config = parseConfig(platformConfig, { ...valid, PORT: '9090' });
    expect(config).toMatchObject({
      PORT: 9090,
      HOST: '127.0.0.1',
      PUBLIC_URL: 'http://127.0.0.1:9090',
      TOKEN_TTL_SECONDS: 900,
      GUARDIAN_SUPER_ADMINS: [],
      OIDC_SCOPES: 'openid email profile groups',
    });
    expect(config.GUARDIAN_ENCRYPTION_KEY).toEqual(Buffer.from(key, 'base64'));
    expect(
      parseConfig(platformConfig, { ...valid, PUBLIC_URL: 'https://guardian.example/' }).PUBLIC_URL,
    ).toBe('https://guardian.example');
  });

  it('parses super admins as a normalized list of emails', () => {
    const config = parseConfig(platformConfig, {
      ...valid,
      GUARDIAN_SUPER_ADMINS: ' Root@Guardian.local, ops@example.com ',
    });
    expect(config.GUARDIAN_SUPER_ADMINS).toEqual(['root@guardian.local', 'ops@example.com']);
    expect(
      captureError(() => parseConfig(platformConfig, { ...valid, GUARDIAN_SUPER_ADMINS: 'root' })).fields,
    ).toEqual(['GUARDIAN_SUPER_ADMINS']);
  });

  it('has no default encryption key and refuses one of the wrong size, without echoing it', () => {
    const { GUARDIAN_ENCRYPTION_KEY: _, ...withoutKey } = valid;
    expect(captureError(() => parseConfig(platformConfig, withoutKey)).message).toContain(
      'GUARDIAN_ENCRYPTION_KEY: is required',
    );
    const short = randomBytes(16).toString('base64');
    const error = captureError(() =>
      parseConfig(platformConfig, { ...valid, GUARDIAN_ENCRYPTION_KEY: short }),
    );
    expect(error.fields).toEqual(['GUARDIAN_ENCRYPTION_KEY']);
    expect(error.message).not.toContain(short);
  });

  it('refuses a non-https default issuer and a token lifetime out of range', () => {
    const error = captureError(() =>
      parseConfig(platformConfig, { ...valid, OIDC_ISSUER: 'ftp://idp.example', TOKEN_TTL_SECONDS: '5' }),
    );
    expect(error.fields.sort()).toEqual(['OIDC_ISSUER', 'TOKEN_TTL_SECONDS']);
  });

  it('reads AGENTS_CLUSTER_SCOPED_READS as a boolean, on by default', () => {
    expect(parseConfig(platformConfig, valid).AGENTS_CLUSTER_SCOPED_READS).toBe(true);
    expect(
      parseConfig(platformConfig, { ...valid, AGENTS_CLUSTER_SCOPED_READS: 'false' })
        .AGENTS_CLUSTER_SCOPED_READS,
    ).toBe(false);
    expect(
      captureError(() => parseConfig(platformConfig, { ...valid, AGENTS_CLUSTER_SCOPED_READS: 'yes' }))
        .fields,
    ).toEqual(['AGENTS_CLUSTER_SCOPED_READS']);
  });

  it('lists every variable in `guardian platform --help`, each with a description, from the schema', () => {
    const names = Object.keys(platformConfig.in.shape);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names)
      expect(platformUsage, name).toMatch(new RegExp(String.raw`^  ${name}\n {6}\S`, 'm'));
    expect(platformUsage).toMatch(/^ {2}GUARDIAN_ENCRYPTION_KEY(\n {6}.*)* Required\.$/m);
    expect(platformUsage).toMatch(/^ {2}PORT(\n {6}.*)* Default: 8080\.$/m);
  });

  it('refuses to start behind a proxy (TRUSTED_PROXIES) with an http:// PUBLIC_URL, saying why', () => {
    const error = captureError(() =>
      parseConfig(platformConfig, { ...valid, TRUSTED_PROXIES: '1', PUBLIC_URL: 'http://guardian.example' }),
    );
    expect(error.fields).toEqual(['PUBLIC_URL']);
    expect(error.message).toMatch(/TLS-terminating proxy needs the https:\/\/ URL/);
    // The positive controls: https behind a proxy, http on loopback (a port-forward) and without a proxy.
    for (const env of [
      { TRUSTED_PROXIES: '1', PUBLIC_URL: 'https://guardian.example' },
      { TRUSTED_PROXIES: '1', PUBLIC_URL: 'http://127.0.0.1:8080' },
      { TRUSTED_PROXIES: '0', PUBLIC_URL: 'http://guardian.internal' },
    ]) {
      expect(parseConfig(platformConfig, { ...valid, ...env }).PUBLIC_URL).toBe(env.PUBLIC_URL);
    }
  });

  it('names the session cookie __Host- when browsers use https, and plainly on http', () => {
    expect(sessionCookieName('https://guardian.example')).toBe('__Host-guardian_session');
    expect(sessionCookieName('http://127.0.0.1:8080')).toBe('guardian_session');
  });

  it('parses the installation’s agent prices as JSON, and refuses what the Organization CRD refuses', () => {
    const prices = { cpuCore: 30, thresholds: { workloadMonthly: 40 } };
    expect(parseConfig(platformConfig, valid).AGENTS_PRICES).toBeUndefined();
    expect(
      parseConfig(platformConfig, { ...valid, AGENTS_PRICES: JSON.stringify(prices) }).AGENTS_PRICES,
    ).toEqual(prices);
    const complete = {
      currency: 'EUR',
      cpuCore: 21,
      memoryGiB: 2.8,
      storageGiB: 0.09,
      loadBalancer: 16,
      thresholds: { workloadMonthly: 45, hpaCeilingMonthly: 450 },
    };
    expect(
      parseConfig(platformConfig, { ...valid, AGENTS_PRICES: JSON.stringify(complete) }).AGENTS_PRICES,
    ).toEqual(complete);
    const refused = (value: string) =>
      captureError(() => parseConfig(platformConfig, { ...valid, AGENTS_PRICES: value })).message;
    expect(refused('{cpuCore: 1}')).toMatch(/AGENTS_PRICES: must be JSON/);
    expect(refused(JSON.stringify({ cpuCore: -1 }))).toMatch(/AGENTS_PRICES.*non-negative/);
    expect(refused(JSON.stringify({ ...complete, currency: 'eur' }))).toMatch(/three capital letters/);
    expect(refused(JSON.stringify({ currency: 'EUR', cpuCore: 21 }))).toMatch(/currency needs every price/);
    expect(refused(JSON.stringify({ cpu: 21 }))).toMatch(/AGENTS_PRICES/);
  });
});
