import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  modified: Date;
}

/**
 * Where backups (and later agent reports and workflow artifacts) are kept: an S3 bucket or a
 * folder. Writes are atomic: a key is either absent or holds everything written to it, so a
 * crash mid-upload leaves no object a reader could take for a whole one.
 */
export interface ObjectStore {
  /** For messages: `s3://bucket` or the folder. */
  readonly location: string;
  /** Streams `body` into `key` (never staged whole in memory or on disk); resolves with its size. */
  upload(key: string, body: Readable): Promise<number>;
  /** A small object, whole. */
  put(key: string, data: Buffer | string): Promise<void>;
  /** Streams an object; throws ObjectNotFound when it does not exist. */
  download(key: string): Promise<Readable>;
  /** A small object, whole; undefined when it does not exist. */
  read(key: string): Promise<Buffer | undefined>;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Deletes these keys (absent ones are no error). */
  delete(keys: string[]): Promise<void>;
  /** Discards unfinished uploads under `prefix` (multipart uploads, partial files) a crash left. */
  discardUnfinished(prefix: string): Promise<void>;
}

export class ObjectNotFound extends Error {
  readonly key: string;

  constructor(location: string, key: string) {
    super(`${location} holds no object ${key}`);
    this.name = 'ObjectNotFound';
    this.key = key;
  }
}

/** The bytes of every object, e.g. for the storage quota. */
export async function storedBytes(store: ObjectStore): Promise<number> {
  return (await store.list('')).reduce((sum, object) => sum + object.size, 0);
}
