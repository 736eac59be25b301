import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointKey, checkpointValid, headValid, signCheckpoint, signHead } from './hash.ts';

describe('audit checkpoints', () => {
  const key = checkpointKey(randomBytes(32));
  const hash = 'ab'.repeat(32);

  it('accepts its own signature and refuses any change to org, seq, hash or key', () => {
    const signature = signCheckpoint(key, 'acme', 100, hash);
    expect(checkpointValid(key, 'acme', 100, hash, signature)).toBe(true);
    expect(checkpointValid(key, 'acme2', 100, hash, signature)).toBe(false);
    expect(checkpointValid(key, 'acme', 200, hash, signature)).toBe(false);
    expect(checkpointValid(key, 'acme', 100, 'cd'.repeat(32), signature)).toBe(false);
    expect(checkpointValid(checkpointKey(randomBytes(32)), 'acme', 100, hash, signature)).toBe(false);
    expect(checkpointValid(key, 'acme', 100, hash, 'not hex')).toBe(false);
  });

  it('signs heads apart from checkpoints: neither signature passes for the other', () => {
    const signature = signHead(key, 'acme', 7, hash);
    expect(headValid(key, 'acme', 7, hash, signature)).toBe(true);
    expect(headValid(key, 'acme', 6, hash, signature)).toBe(false);
    expect(headValid(key, 'acme', 7, hash, null)).toBe(false);
    expect(checkpointValid(key, 'acme', 7, hash, signature)).toBe(false);
    expect(headValid(key, 'acme', 7, hash, signCheckpoint(key, 'acme', 7, hash))).toBe(false);
  });

  it('derives a key distinct from the encryption key, the same every time', () => {
    const encryption = randomBytes(32);
    expect(checkpointKey(encryption).equals(checkpointKey(encryption))).toBe(true);
    expect(checkpointKey(encryption).equals(encryption)).toBe(false);
  });
});
