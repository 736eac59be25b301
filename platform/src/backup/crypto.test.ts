import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_BYTES,
  CorruptBackupError,
  decryptStream,
  encryptStream,
  keyId,
  WrongKeyError,
} from './crypto.ts';

const key = randomBytes(32);

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `data` fed in uneven pieces, as a pipe delivers it. */
function pieces(data: Buffer): Readable {
  const out: Buffer[] = [];
  for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7) % 100_003 || 1)
    out.push(data.subarray(at, at + size));
  return Readable.from(out);
}

const encrypt = (data: Buffer, with_ = key) => collect(pieces(data).pipe(encryptStream(with_)));
const decrypt = async (data: Buffer, with_ = key) => {
  const out: Buffer[] = [];
  await pipeline(pieces(data), decryptStream(with_), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return Buffer.concat(out);
};

describe('backup encryption', () => {
  it('round-trips any length, chunk boundaries included', async () => {
    for (const length of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 200_000]) {
      const data = randomBytes(length);
      const sealed = await encrypt(data);
      expect(sealed.length, `length ${length}`).toBeGreaterThan(length);
      expect((await decrypt(sealed)).equals(data), `length ${length}`).toBe(true);
    }
  });

  it('encrypts the same data differently each time (a fresh salt and file key)', async () => {
    const data = Buffer.from('the same dump');
    expect((await encrypt(data)).equals(await encrypt(data))).toBe(false);
  });

  it('names a wrong key as such, with both key ids, and never the key', async () => {
    const other = randomBytes(32);
    const sealed = await encrypt(Buffer.from('secret rows'));
    const failure = await decrypt(sealed, other).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WrongKeyError);
    expect(String(failure)).toContain(keyId(key));
    expect(String(failure)).toContain(keyId(other));
    expect(String(failure)).not.toContain(key.toString('base64'));
  });

  it('refuses altered, truncated, extended and reordered backups, and data of another format', async () => {
    const data = randomBytes(3 * CHUNK_BYTES + 10);
    const sealed = await encrypt(data);
    const frame = 4 + CHUNK_BYTES + 16;
    const header = 48;
    const flipped = Buffer.from(sealed);
    flipped[header + 1000] = (flipped[header + 1000] ?? 0) ^ 1;
    const reordered = Buffer.concat([
      sealed.subarray(0, header),
      sealed.subarray(header + frame, header + 2 * frame),
      sealed.subarray(header, header + frame),
      sealed.subarray(header + 2 * frame),
    ]);
    const otherHeader = Buffer.concat([(await encrypt(data)).subarray(0, header), sealed.subarray(header)]);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['a flipped bit', flipped, /does not authenticate/],
      ['the last chunk dropped', sealed.subarray(0, header + 3 * frame), /truncated/],
      ['cut inside a chunk', sealed.subarray(0, header + frame + 100), /truncated/],
      ['bytes after the last chunk', Buffer.concat([sealed, Buffer.from('x')]), /follows its last chunk/],
      ['two chunks swapped', reordered, /does not authenticate/],
      ['another backup’s header', otherHeader, /does not authenticate/],
      [
        'a plain pg_dump',
        Buffer.from('PGDMP\u0001\u000e\u0000 not encrypted at all, and long enough'),
        /does not start like/,
      ],
      ['nothing', Buffer.alloc(0), /shorter than its header/],
    ];
    for (const [what, bytes, message] of cases) {
      const failure = await decrypt(bytes).catch((error: unknown) => error);
      expect(failure, what).toBeInstanceOf(CorruptBackupError);
      expect(String(failure), what).toMatch(message);
    }
    // The positive control: the untouched backup decrypts.
    expect((await decrypt(sealed)).equals(data)).toBe(true);
  });
});
