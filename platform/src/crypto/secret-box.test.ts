import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from './secret-box.ts';

describe('secret box', () => {
  const key = randomBytes(32);

  it('opens what it sealed, with the same key and context', () => {
    const sealed = seal(key, 'private jwk', 'kid-1');
    expect(sealed).not.toContain('private jwk');
    expect(open(key, sealed, 'kid-1')).toBe('private jwk');
  });

  it('refuses another key, another context, or a changed byte', () => {
    const sealed = seal(key, 'private jwk', 'kid-1');
    expect(() => open(randomBytes(32), sealed, 'kid-1')).toThrow(/wrong GUARDIAN_ENCRYPTION_KEY/);
    expect(() => open(key, sealed, 'kid-2')).toThrow(/wrong GUARDIAN_ENCRYPTION_KEY/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => open(key, parts.join('.'), 'kid-1')).toThrow();
    expect(open(key, sealed, 'kid-1')).toBe('private jwk');
  });
});
