import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcClients } from '../services/OidcClients.ts';
import { outboundFetch } from './fetch.ts';
import { checkAddress, parseAllowedCidrs } from './guard.ts';

describe('the outbound guard', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('reached'));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((closed) => server.close(closed)));

  it('refuses loopback by name (after DNS) and by literal, and reaches it once allowed', async () => {
    const guarded = outboundFetch({ allowed: parseAllowedCidrs('') });
    // `localhost` is a name: only its resolution says it is loopback, as with a rebinding name.
    await expect(guarded(`http://localhost:${port}/`)).rejects.toThrow();
    const refusal = await guarded(`http://localhost:${port}/`).catch((error: Error) => error);
    expect(String((refusal as Error).cause ?? refusal)).toMatch(/private, loopback or link-local/);
    await expect(guarded(`http://127.0.0.1:${port}/`)).rejects.toThrow(/resolves to 127\.0\.0\.1/);
    await expect(guarded(`http://[::ffff:127.0.0.1]:${port}/`)).rejects.toThrow(/private, loopback/);

    const allowed = outboundFetch({ allowed: parseAllowedCidrs('127.0.0.1/32') });
    expect(await (await allowed(`http://localhost:${port}/`)).text()).toBe('reached');
    expect(await (await allowed(`http://127.0.0.1:${port}/`)).text()).toBe('reached');
  });

  it('reads a response body only up to maxResponseBytes when given one', async () => {
    const big = createServer((_req, res) => res.end('x'.repeat(200_000)));
    await new Promise<void>((listening) => big.listen(0, '127.0.0.1', listening));
    try {
      const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}/`;
      const allowed = parseAllowedCidrs('127.0.0.1/32');
      const bounded = await outboundFetch({ allowed, maxResponseBytes: 1000 })(url);
      expect((await bounded.text()).length).toBe(1000);
      const whole = await outboundFetch({ allowed })(url);
      expect((await whole.text()).length).toBe(200_000);
    } finally {
      await new Promise((closed) => big.close(closed));
    }
  });

  it('refuses every private, link-local and loopback range, and lets public addresses through', () => {
    const none = parseAllowedCidrs('');
    for (const address of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '127.0.0.53',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:169.254.169.254',
    ]) {
      expect(() => checkAddress('h', address, none), address).toThrow(/private, loopback or link-local/);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '2606:4700::1111']) {
      expect(() => checkAddress('h', address, none), address).not.toThrow();
    }
    expect(() => checkAddress('h', '10.1.2.3', parseAllowedCidrs('10.1.0.0/16'))).not.toThrow();
  });

  it('refuses a value that is no IP address or CIDR', () => {
    for (const value of ['10.0.0.0/33', 'example.com', '10.0.0.0/x', '::1/129']) {
      expect(() => parseAllowedCidrs(value), value).toThrow(/is not an IP address or CIDR/);
    }
  });

  it('guards OpenID discovery: an issuer on a private address is refused', async () => {
    const clients = new OidcClients({ allowed: parseAllowedCidrs('') });
    const settings = { issuer: `https://localhost:${port}`, clientId: 'c', clientSecret: 's' };
    const refused = await clients.configuration(settings).catch((error: Error) => error);
    expect(
      JSON.stringify(refused, Object.getOwnPropertyNames(refused)) + String((refused as Error).cause),
    ).toMatch(/private, loopback or link-local|EOUTBOUNDREFUSED/);
  });
});
