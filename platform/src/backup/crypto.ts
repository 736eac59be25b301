import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Backup encryption, version 1: authenticated encryption in chunks (the STREAM construction, as
 * age and Tink's streaming AEAD use it), so a backup is encrypted and decrypted as it streams and
 * never needs to be whole in memory or on disk.
 *
 *   header  = magic "GDNBKP01" (8) | key id (8) | salt (32)
 *   file key = HKDF-SHA256(backup key, salt, "guardian backup v1 aes-256-gcm") (32 bytes, one per backup)
 *   chunk i = plaintext length, uint32 big-endian (4) | AES-256-GCM ciphertext | tag (16)
 *             nonce = i as a 88-bit big-endian counter | 0x01 on the last chunk, else 0x00
 *             associated data = the header
 *
 * Every chunk is authenticated with its position, so chunks cannot be reordered, dropped or
 * replayed from another backup; the last one is marked, so a truncated backup is detected; the
 * header cannot be swapped. The key id (the first 8 bytes of HMAC-SHA256(key, "guardian backup key
 * id")) names the key without revealing it, so a wrong key is reported as such before any data.
 */
const MAGIC = Buffer.from('GDNBKP01', 'latin1');
const HEADER_BYTES = MAGIC.length + 8 + 32;
/** Plaintext bytes per chunk. */
export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const LENGTH_BYTES = 4;
export const ENCRYPTION_ALGORITHM = 'AES-256-GCM (STREAM, 64 KiB chunks, HKDF-SHA256 file keys)';

/** The id of a backup key: safe to store and show. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('guardian backup key id').digest().subarray(0, 8).toString('hex');
}

function fileKey(key: Buffer, salt: Buffer): Buffer {
  if (key.length !== 32) throw new Error('A backup key is 32 bytes');
  return Buffer.from(hkdfSync('sha256', key, salt, 'guardian backup v1 aes-256-gcm', 32));
}

function nonce(index: bigint, last: boolean): Buffer {
  const value = Buffer.alloc(12);
  // 88 bits of counter: the high 24 are zero for any backup smaller than 2^64 chunks.
  value.writeBigUInt64BE(index, 3);
  value[11] = last ? 1 : 0;
  return value;
}

/** The backup was encrypted with another key than the one configured. */
export class WrongKeyError extends Error {
  constructor(found: string, configured: string) {
    super(
      `The backup was encrypted with key ${found}, but the configured backup key is ${configured} (BACKUP_ENCRYPTION_KEY): restore it with the key it was made with`,
    );
    this.name = 'WrongKeyError';
  }
}

/** The data is not a backup of this format, or was altered, truncated or extended. */
export class CorruptBackupError extends Error {
  constructor(detail: string) {
    super(`The backup cannot be decrypted: ${detail}`);
    this.name = 'CorruptBackupError';
  }
}

/** Encrypts a stream: header, then one authenticated chunk per 64 KiB, the last one marked. */
export function encryptStream(key: Buffer): Transform {
  const salt = randomBytes(32);
  const header = Buffer.concat([MAGIC, Buffer.from(keyId(key), 'hex'), salt]);
  const derived = fileKey(key, salt);
  let index = 0n;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const seal = (plaintext: Buffer, last: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', derived, nonce(index, last));
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(plaintext.length);
    index += 1n;
    return Buffer.concat([length, body, cipher.getAuthTag()]);
  };
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (!started) {
        this.push(header);
        started = true;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Keep at least one byte back: the last chunk must be the one marked last.
      if (pendingBytes > CHUNK_BYTES) {
        let all = Buffer.concat(pending);
        while (all.length > CHUNK_BYTES) {
          this.push(seal(all.subarray(0, CHUNK_BYTES), false));
          all = all.subarray(CHUNK_BYTES);
        }
        pending = [all];
        pendingBytes = all.length;
      }
      done();
    },
    flush(done: TransformCallback) {
      if (!started) this.push(header);
      this.push(seal(Buffer.concat(pending), true));
      done();
    },
  });
}

/**
 * Decrypts what `encryptStream` made with the same key. Fails with WrongKeyError when the header
 * names another key, and with CorruptBackupError when any chunk does not authenticate, the data
 * stops before the last chunk, or continues after it.
 */
export function decryptStream(key: Buffer): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  let header: Buffer | undefined;
  let derived: Buffer | undefined;
  let index = 0n;
  let finished = false;
  const configured = keyId(key);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      try {
        if (!header) {
          if (buffered.length >= MAGIC.length && !buffered.subarray(0, MAGIC.length).equals(MAGIC))
            throw new CorruptBackupError('it does not start like a Guardian backup');
          if (buffered.length < HEADER_BYTES) return done();
          header = buffered.subarray(0, HEADER_BYTES);
          const found = header.subarray(MAGIC.length, MAGIC.length + 8).toString('hex');
          if (found !== configured) throw new WrongKeyError(found, configured);
          derived = fileKey(key, header.subarray(MAGIC.length + 8));
          buffered = buffered.subarray(HEADER_BYTES);
        }
        for (;;) {
          if (buffered.length === 0) break;
          if (finished) throw new CorruptBackupError('data follows its last chunk');
          if (buffered.length < LENGTH_BYTES) break;
          const length = buffered.readUInt32BE(0);
          if (length > CHUNK_BYTES) throw new CorruptBackupError(`chunk ${index} claims ${length} bytes`);
          const total = LENGTH_BYTES + length + TAG_BYTES;
          if (buffered.length < total) break;
          // Only the last chunk may be short; a full one is last only if the marker says so.
          this.push(open(buffered.subarray(0, total), length < CHUNK_BYTES));
          buffered = buffered.subarray(total);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      if (!header) return done(new CorruptBackupError('it is shorter than its header'));
      if (!finished) return done(new CorruptBackupError('it ends before its last chunk (truncated)'));
      done();
    },
  });

  function open(frame: Buffer, mustBeLast: boolean): Buffer {
    if (!header || !derived) throw new CorruptBackupError('no header');
    const length = frame.readUInt32BE(0);
    const body = frame.subarray(LENGTH_BYTES, LENGTH_BYTES + length);
    const tag = frame.subarray(LENGTH_BYTES + length);
    // A full chunk may be the last one: try it as an inner chunk first, then as the last.
    for (const last of mustBeLast ? [true] : [false, true]) {
      const decipher = createDecipheriv('aes-256-gcm', derived, nonce(index, last));
      decipher.setAAD(header);
      decipher.setAuthTag(tag);
      try {
        const plaintext = Buffer.concat([decipher.update(body), decipher.final()]);
        index += 1n;
        finished = last;
        return plaintext;
      } catch {
        // Not authentic under this nonce; the other one, or corruption.
      }
    }
    throw new CorruptBackupError(`chunk ${index} does not authenticate (altered, or another backup's)`);
  }
}
