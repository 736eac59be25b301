import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The previous hash of an organization's first entry. */
export const GENESIS = '0'.repeat(64);

/**
 * An entry's hash, as one SQL expression over the row's columns: sha256(prev_hash || canonical
 * JSON of the entry). The canonical JSON is the array [org_id, seq, at (µs since the epoch),
 * actor, action, target, detail] in PostgreSQL's json text form (fixed positions, fixed spacing
 * and number format, detail in jsonb's key order). Computed by the database both when appending
 * and when verifying, so the two can never disagree about serialization and a million entries
 * verify without leaving the server. Kept in the app's code, not in a stored function, so whoever
 * can alter rows cannot also redefine how they are hashed.
 */
export const ENTRY_HASH_SQL = `encode(sha256(convert_to(prev_hash || json_build_array(
  org_id, seq, (extract(epoch FROM at) * 1000000)::bigint, actor, action, target, detail)::text, 'UTF8')), 'hex')`;

/**
 * A signed checkpoint is due at every multiple of this seq. The one definition: the writer
 * appends them here and the verifier reports each one missing up to the last entry.
 */
export const CHECKPOINT_EVERY = 100;

/** The key of checkpoints and heads, derived from GUARDIAN_ENCRYPTION_KEY so no second secret is needed. */
export function checkpointKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'guardian audit checkpoints v1', 32));
}

/** HMAC-SHA256 of a checkpoint: entry `seq` of `orgId` has `hash`. */
export function signCheckpoint(key: Buffer, orgId: string, seq: number, hash: string): string {
  return hmac(key, `${orgId}\n${seq}\n${hash}`);
}

export function checkpointValid(
  key: Buffer,
  orgId: string,
  seq: number,
  hash: string,
  signature: string,
): boolean {
  return matches(signCheckpoint(key, orgId, seq, hash), signature);
}

/**
 * HMAC-SHA256 of a chain head: the last entry of `orgId` is `seq` with `hash`. A message of its
 * own (four lines, not three), so a head's signature never passes for a checkpoint's.
 */
export function signHead(key: Buffer, orgId: string, seq: number, hash: string): string {
  return hmac(key, `head\n${orgId}\n${seq}\n${hash}`);
}

export function headValid(
  key: Buffer,
  orgId: string,
  seq: number,
  hash: string,
  signature: string | null,
): boolean {
  return signature !== null && matches(signHead(key, orgId, seq, hash), signature);
}

const hmac = (key: Buffer, message: string) => createHmac('sha256', key).update(message).digest('hex');

function matches(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const given = Buffer.from(givenHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
