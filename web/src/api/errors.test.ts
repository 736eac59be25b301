import { describe, expect, it } from 'vitest';
import { ApiError, retryAfterSeconds } from './errors.ts';

const problem = (status: number, detail: string) => ({
  type: 'about:blank',
  title: 'Refused',
  status,
  detail,
  instance: 'urn:guardian:request:req-42',
});

describe('retryAfterSeconds', () => {
  it.each([
    ['120', 120],
    [' 7 ', 7],
    ['Thu, 03 Dec 2026 10:01:00 GMT', 60],
    ['Thu, 03 Dec 2026 09:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ])('reads %j as %j seconds', (header, seconds) => {
    expect(retryAfterSeconds(header, Date.parse('2026-12-03T10:00:00Z'))).toBe(seconds);
  });
});

describe('ApiError.fromResponse', () => {
  it.each([
    [400, 'invalid'],
    [401, 'unauthenticated'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'invalid'],
    [429, 'rate-limited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'unavailable'],
  ])('names a %i %s', (status, kind) => {
    const error = ApiError.fromResponse(new Response(null, { status }), problem(status, 'because'));
    expect(error.kind).toBe(kind);
    expect(error.message).toBe('because');
  });

  it('keeps the wait of a 429, and the request id of the problem', () => {
    const response = new Response(null, { status: 429, headers: { 'retry-after': '42' } });
    const error = ApiError.fromResponse(
      response,
      problem(429, 'Organization acme has used its 100 API calls'),
    );
    expect(error.retryAfter).toBe(42);
    expect(error.requestId).toBe('req-42');
  });

  it('copes with an answer that is not problem+json (a proxy’s HTML page)', () => {
    const error = ApiError.fromResponse(
      new Response(null, { status: 502, statusText: 'Bad Gateway' }),
      '<html>',
    );
    expect(error).toMatchObject({ kind: 'server', problem: undefined, message: '502 Bad Gateway' });
  });
});
