import { describe, expect, it } from 'vitest';
import { parseAllowedCidrs } from '../outbound/guard.ts';
import { endpointUrlProblem } from './url.ts';

describe('webhook endpoint URLs', () => {
  const production = parseAllowedCidrs('');
  const dev = parseAllowedCidrs('127.0.0.1/32');

  it('accepts https to public names and addresses', () => {
    for (const url of [
      'https://hooks.example.com/guardian',
      'https://8.8.8.8/x',
      'https://hooks.example.com:8443/',
    ])
      expect(endpointUrlProblem(url, production), url).toBeUndefined();
  });

  it('refuses plain http except to an allowed loopback address', () => {
    expect(endpointUrlProblem('http://hooks.example.com/', production)).toMatch(/must be https/);
    expect(endpointUrlProblem('http://127.0.0.1:9000/', production)).toMatch(/must be https/);
    expect(endpointUrlProblem('http://127.0.0.1:9000/', dev)).toBeUndefined();
    expect(endpointUrlProblem('http://localhost:9000/', dev)).toBeUndefined();
    expect(endpointUrlProblem('http://[::1]:9000/', dev)).toMatch(/must be https/);
    expect(endpointUrlProblem('ftp://hooks.example.com/', dev)).toMatch(/must be https/);
  });

  it('refuses private, link-local and loopback literals the guard refuses', () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.1/',
      'https://[::1]/',
      'https://127.0.0.1/',
    ])
      expect(endpointUrlProblem(url, production), url).toMatch(/private, loopback or link-local/);
    expect(endpointUrlProblem('https://169.254.169.254/', dev)).toMatch(/private, loopback or link-local/);
    // A name is the guard's at connect time, after DNS (where it may resolve anywhere by then).
    expect(endpointUrlProblem('https://localhost/', production)).toBeUndefined();
  });

  it('refuses what is no URL, credentials and fragments', () => {
    expect(endpointUrlProblem('hooks.example.com', production)).toMatch(/absolute URL/);
    expect(endpointUrlProblem('https://user:pw@hooks.example.com/', production)).toMatch(/credentials/);
    expect(endpointUrlProblem('https://hooks.example.com/#x', production)).toMatch(/fragment/);
  });
});
