import { createHash } from 'node:crypto';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '@guardian/kube/clock';
import type { ObjectStore } from '../storage/object-store.ts';
import { GUARDIAN_VERSION } from '../version.ts';
import { readManifest } from './catalog.ts';
import { ENCRYPTION_ALGORITHM, encryptStream, keyId } from './crypto.ts';
import { type BackupManifest, backupKeys } from './manifest.ts';
import { describeDatabase, pgDump, pgDumpVersion } from './pg.ts';

export interface BackupRequest {
  store: ObjectStore;
  /** The backup encryption key (32 bytes). */
  key: Buffer;
  id: string;
  /** The organization, or PLATFORM_OWNER. */
  organization: string;
  /** A URL of a role that may read the whole database (the tenant's own; for the platform, its backup role). */
  url: string;
  server: string;
  clock: Clock;
  /** Crash points for tests (the operator's failpoints): called at each dangerous window. */
  point?: (name: 'backup-during-upload' | 'backup-before-manifest') => void;
}

/**
 * The window a crash test kills the process in, mid-upload: this many bytes have passed, so (the
 * pipeline holding back while a part uploads) at least one 8 MiB part is stored.
 */
const MID_UPLOAD_BYTES = 16 * 1024 * 1024;

/** Counts and hashes the bytes through it; calls `crossing` once when `threshold` bytes have passed. */
class Meter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private readonly threshold: number;
  private readonly crossing: (() => void) | undefined;

  constructor(threshold = Number.POSITIVE_INFINITY, crossing?: () => void) {
    super();
    this.threshold = threshold;
    this.crossing = crossing;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const before = this.bytes;
    this.bytes += chunk.length;
    if (before < this.threshold && this.bytes >= this.threshold) this.crossing?.();
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Backs up one database: pg_dump (custom format) → encryption → the store, streamed (one upload
 * part in memory at a time, nothing on disk), then the manifest, written last: a backup without
 * one is incomplete and never listed. Idempotent by id: a backup already complete is returned as
 * it is; what an interrupted attempt left under the id is discarded first.
 */
export async function backupDatabase(request: BackupRequest): Promise<BackupManifest> {
  const { store, id } = request;
  const keys = backupKeys(id);
  const existing = await readManifest(store, id);
  if (existing) return existing;
  await store.discardUnfinished(keys.prefix);
  await store.delete([keys.data]);

  const startedAt = new Date(request.clock.now());
  const portable = request.organization !== '_platform';
  const [described, tool] = await Promise.all([describeDatabase(request.url), pgDumpVersion()]);
  const dump = pgDump(request.url, { portable });
  dump.stdin.end();
  const plain = new Meter();
  const stored = new Meter(MID_UPLOAD_BYTES, () => request.point?.('backup-during-upload'));
  const body = new PassThrough();
  try {
    const [bytes] = await Promise.all([
      store.upload(keys.data, body),
      pipeline(dump.stdout, plain, encryptStream(request.key), stored, body),
      dump.exited,
    ]);
    if (bytes !== stored.bytes) throw new Error(`The store holds ${bytes} bytes of ${stored.bytes} written`);
  } catch (error) {
    dump.kill();
    body.destroy();
    // A dump that failed half-way may still have been stored whole: it must not stay.
    await store.delete([keys.data]).catch(() => undefined);
    throw new Error(`Backup ${id} failed`, { cause: error });
  }
  request.point?.('backup-before-manifest');
  const manifest: BackupManifest = {
    format: 'guardian-backup/v1',
    id,
    organization: request.organization,
    database: new URL(request.url).pathname.slice(1),
    server: request.server,
    serverVersion: described.serverVersion,
    startedAt: startedAt.toISOString(),
    completedAt: new Date(request.clock.now()).toISOString(),
    bytes: stored.bytes,
    dumpBytes: plain.bytes,
    checksum: { algorithm: 'sha256', value: stored.digest() },
    encryption: { algorithm: ENCRYPTION_ALGORITHM, keyId: keyId(request.key) },
    dump: { tool, format: 'custom' },
    guardianVersion: GUARDIAN_VERSION,
    schemaVersion: described.schemaVersion,
  };
  await store.put(keys.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
