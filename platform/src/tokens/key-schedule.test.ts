import { describe, expect, it } from 'vitest';
import { publishedKeys, retiredKeys, signingKey } from './key-schedule.ts';

const ttl = 900_000;
const leeway = 5_000;
const kids = (keys: { kid: string }[]) => keys.map((key) => key.kid);

describe('signing key schedule', () => {
  const first = { kid: 'a', publishAt: 0, activateAt: 0 };
  const rotatedAt = 100_000;
  const second = { kid: 'b', publishAt: rotatedAt, activateAt: rotatedAt + ttl };
  const keys = [second, first];

  it('signs with the only key, and publishes it, before any rotation', () => {
    expect(signingKey([first], 50)?.kid).toBe('a');
    expect(kids(publishedKeys([first], 50, ttl, leeway))).toEqual(['a']);
  });

  it('publishes a new key one token lifetime before it signs', () => {
    expect(kids(publishedKeys(keys, rotatedAt, ttl, leeway))).toEqual(['a', 'b']);
    expect(signingKey(keys, rotatedAt)?.kid).toBe('a');
    expect(signingKey(keys, rotatedAt + ttl - 1)?.kid).toBe('a');
    expect(signingKey(keys, rotatedAt + ttl)?.kid).toBe('b');
  });

  it('keeps the old key published until its last token expired, then retires it', () => {
    const lastOldToken = rotatedAt + ttl - 1;
    const itsExpiry = lastOldToken + ttl;
    expect(kids(publishedKeys(keys, itsExpiry, ttl, leeway))).toEqual(['a', 'b']);
    expect(retiredKeys(keys, itsExpiry, ttl, leeway)).toEqual([]);
    const after = rotatedAt + 2 * ttl + leeway;
    expect(kids(publishedKeys(keys, after, ttl, leeway))).toEqual(['b']);
    expect(kids(retiredKeys(keys, after, ttl, leeway))).toEqual(['a']);
  });

  it('does not publish a key before its publication time', () => {
    expect(kids(publishedKeys(keys, rotatedAt - 1, ttl, leeway))).toEqual(['a']);
  });
});
