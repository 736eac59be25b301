import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../storage/object-store.ts';
import { readManifest } from './catalog.ts';
import { decryptStream, keyId, WrongKeyError } from './crypto.ts';
import { type BackupManifest, backupKeys, PLATFORM_OWNER } from './manifest.ts';
import { describeDatabase, pgRestoreScript, psql } from './pg.ts';

export class BackupNotFound extends Error {
  readonly id: string;

  constructor(id: string) {
    super(`No backup ${id}`);
    this.name = 'BackupNotFound';
    this.id = id;
  }
}

/** The stored object is not what its manifest describes: altered, truncated or replaced. */
export class ChecksumMismatch extends Error {
  constructor(id: string, detail: string) {
    super(`Backup ${id} fails its checksum (${detail}): the stored object is corrupt; nothing was restored`);
    this.name = 'ChecksumMismatch';
  }
}

/** The backup holds a schema this Guardian does not know (made by a newer version). */
export class SchemaTooNew extends Error {
  constructor(id: string, schema: string) {
    super(
      `Backup ${id} holds schema ${schema}, newer than this Guardian knows; restore it with that version or later`,
    );
    this.name = 'SchemaTooNew';
  }
}

export interface RestoreRequest {
  /** Where the backup is (its organization's store). */
  store: ObjectStore;
  key: Buffer;
  id: string;
  /** The database restored into, as its owner (the target organization's own role). */
  url: string;
  /** The migrations this Guardian knows, oldest first. */
  migrations: readonly string[];
  /** Brings the restored schema up to date (run when the backup is older than the code). */
  migrate: (url: string) => Promise<void>;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** The schema the backup held, and the schema after migrating forward. */
  schemaBefore: string | null;
  schemaAfter: string | null;
}

/**
 * Restores a backup into the database `url` names, replacing everything its role owns there:
 * the manifest first (the backup exists, was made with this key, holds a schema we know), then
 * the stored object against the manifest's size and checksum (a first pass that only reads), and
 * only then decryption → pg_restore → psql in one transaction that commits after the last chunk
 * authenticated and pg_restore succeeded: a failure anywhere leaves the database as it was.
 * Finally the schema is migrated forward when the backup is older than this Guardian.
 */
export async function restoreDatabase(request: RestoreRequest): Promise<RestoreResult> {
  const { store, id } = request;
  const manifest = await readManifest(store, id);
  if (!manifest) throw new BackupNotFound(id);
  const configured = keyId(request.key);
  if (manifest.encryption.keyId !== configured)
    throw new WrongKeyError(manifest.encryption.keyId, configured);
  if (manifest.schemaVersion !== null && !request.migrations.includes(manifest.schemaVersion))
    throw new SchemaTooNew(id, manifest.schemaVersion);
  await verify(store, manifest);

  const portable = manifest.organization !== PLATFORM_OWNER;
  const script = pgRestoreScript({ portable });
  const target = psql(request.url);
  try {
    // Everything the target role owns goes, in the same transaction that restores the backup.
    target.stdin.write('BEGIN;\nDROP OWNED BY CURRENT_USER;\n');
    await Promise.all([
      pipeline(await store.download(backupKeys(id).data), decryptStream(request.key), script.stdin),
      copyInto(script.stdout, target.stdin),
      script.exited,
    ]);
    // Only now: every chunk authenticated, the last one included, and pg_restore read it all.
    target.stdin.end('COMMIT;\n');
    await target.exited;
  } catch (error) {
    // psql ends without COMMIT: the server rolls the transaction back.
    script.kill();
    target.kill();
    await Promise.allSettled([script.exited, target.exited]);
    throw new Error(`Could not restore backup ${id}; the database is unchanged`, { cause: error });
  }
  await request.migrate(request.url);
  const after = await describeDatabase(request.url);
  return { manifest, schemaBefore: manifest.schemaVersion, schemaAfter: after.schemaVersion };
}

/** Reads the stored object once, comparing its size and SHA-256 with the manifest's. */
export async function verify(store: ObjectStore, manifest: BackupManifest): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of await store.download(backupKeys(manifest.id).data)) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  if (bytes !== manifest.bytes)
    throw new ChecksumMismatch(manifest.id, `${bytes} bytes, not ${manifest.bytes}`);
  if (hash.digest('hex') !== manifest.checksum.value)
    throw new ChecksumMismatch(manifest.id, 'sha256 differs');
}

/**
 * Writes all of `source` into `target` without ending it, resolving once the last chunk was
 * handed to `target`: what the caller writes next comes after it (a pipe's readable side may
 * still hold chunks when its writable side has finished, and a COMMIT written then lands inside
 * the data).
 */
async function copyInto(source: Readable, target: Writable): Promise<void> {
  for await (const chunk of source) {
    if (!target.write(chunk)) await once(target, 'drain');
  }
}
