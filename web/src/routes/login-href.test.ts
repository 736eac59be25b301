import { describe, expect, it } from 'vitest';
import { consoleNext, loginHref, orgOf } from './login-href.ts';

describe('consoleNext', () => {
  it.each([
    '/',
    '/o/acme',
    '/o/acme?tab=teams',
    '/admin',
    '/admin/organizations',
    '/device',
    '/login',
  ])('keeps the console page %s', (path) => expect(consoleNext(path)).toBe(path));

  it.each([
    '//evil.example/o/acme',
    '/\\evil.example',
    'https://evil.example/',
    'evil.example',
    '/auth/me',
    '/openapi.json',
    '/o/acme#frag',
    '/o/ acme',
    '/organizations',
    '',
  ])('refuses %j, which is not a console page of this site', (path) =>
    expect(consoleNext(path)).toBeUndefined());
});

describe('loginHref', () => {
  it('names the organization and the page to return to', () => {
    expect(loginHref('acme', '/o/acme?x=1')).toBe('/login?org=acme&next=%2Fo%2Facme%3Fx%3D1');
    expect(loginHref(undefined, '/')).toBe('/login');
    expect(orgOf('/o/acme/teams')).toBe('acme');
    expect(orgOf('/admin')).toBeUndefined();
  });
});
