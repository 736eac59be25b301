import { describe, expect, it } from 'vitest';
import { EXIT, exitForStatus } from './exit-codes.ts';

describe('exitForStatus', () => {
  it.each([
    [400, EXIT.usage],
    [404, EXIT.usage],
    [409, EXIT.usage],
    [401, EXIT.auth],
    [403, EXIT.auth],
    [429, EXIT.quota],
    [500, EXIT.server],
    [503, EXIT.server],
  ])('maps %i to %i', (status, code) => {
    expect(exitForStatus(status)).toBe(code);
  });
});
